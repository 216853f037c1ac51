package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * An index for another user's view of one owner's jobs ({@code owner = ? AND accessibility =
 * 'PUBLIC'}, newest first): without it, listing {@code owner=carol} as bob read every one of
 * Carol's private jobs to find her public ones.
 *
 * <p>On PostgreSQL the planner also needs to know that owner and accessibility go together: from
 * each column alone it takes half of a user's jobs to be public and walks the whole table backwards
 * by {@code seq} instead. Extended statistics ({@code mcv}) on the pair give it the real share. A
 * Java migration because H2 has no such statement.
 */
public class V6__Owner_visibility_index extends BaseJavaMigration {

  @Override
  public void migrate(Context context) throws Exception {
    try (Statement sql = context.getConnection().createStatement()) {
      sql.execute("CREATE INDEX jobs_owner_visibility ON jobs (owner, accessibility, seq)");
      String database = context.getConnection().getMetaData().getDatabaseProductName();
      if ("PostgreSQL".equals(database)) {
        sql.execute(
            "CREATE STATISTICS jobs_owner_visibility_stats (mcv) ON owner, accessibility FROM jobs");
        sql.execute("ANALYZE jobs");
      }
    }
  }
}
