package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Event ids in commit order, kept by the database rather than by one service's lock, so that
 * several services on one PostgreSQL database write one ordered event log.
 *
 * <p>On PostgreSQL an event takes its id from the one row of {@code event_order}, in the statement
 * that inserts it: the row stays locked until the transaction ends, so a transaction that writes
 * events commits before the next one gets an id, whichever service writes it, and a reader that has
 * seen id {@code n} will never find a smaller one committed later. A statement trigger on {@code
 * job_events} notifies the channel {@code jobkit_events} (delivered at commit, once per
 * transaction), on which every service listens to stream what the others wrote.
 *
 * <p>H2 is embedded: one service only, whose write lock already orders its events. Nothing to do.
 */
public class V28__Event_order extends BaseJavaMigration {

  @Override
  public void migrate(Context context) throws Exception {
    String database = context.getConnection().getMetaData().getDatabaseProductName();
    if (!"PostgreSQL".equals(database)) {
      return;
    }
    try (Statement sql = context.getConnection().createStatement()) {
      sql.execute("CREATE TABLE event_order (id INT PRIMARY KEY, last_id BIGINT NOT NULL)");
      sql.execute("INSERT INTO event_order SELECT 1, COALESCE(MAX(id), 0) FROM job_events");
      sql.execute(
          "CREATE FUNCTION jobkit_events_committed() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN PERFORM pg_notify('jobkit_events', ''); RETURN NULL; END $$");
      sql.execute(
          "CREATE TRIGGER job_events_notify AFTER INSERT ON job_events"
              + " FOR EACH STATEMENT EXECUTE FUNCTION jobkit_events_committed()");
    }
  }
}
