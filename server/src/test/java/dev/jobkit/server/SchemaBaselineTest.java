package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.server.support.QuietFlyway;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * The embedded database's baseline ({@code db/baseline/h2}) stands for migrations 1 to 31: a new
 * database made from it has the tables, columns, indexes, constraints and rows the migrations make,
 * and a database the migrations made goes on without it.
 */
class SchemaBaselineTest {

  private static final String MIGRATIONS = "classpath:db/migration";
  // H2 names the constraints it is not given a name for: CONSTRAINT_8A, CONSTRAINT_8A_0, ...
  private static final Pattern GENERATED = Pattern.compile("CONSTRAINT_[0-9A-F]+(_[0-9]+)?");

  @Test
  void a_new_database_made_from_the_baseline_has_the_schema_the_migrations_make()
      throws SQLException {
    DataSource migrated = database();
    flyway(migrated, MIGRATIONS).migrate();
    DataSource baselined = database();
    MigrateResult result = flyway(baselined, MIGRATIONS, ServiceConfig.EMBEDDED_BASELINE).migrate();

    assertThat(result.migrations.get(0).version).isEqualTo("31");
    assertThat(result.migrations.get(0).type).isEqualTo("SQL_BASELINE");
    assertThat(result.targetSchemaVersion)
        .isEqualTo(flyway(migrated, MIGRATIONS).info().current().getVersion().getVersion());
    Map<String, List<String>> expected = describe(migrated);
    Map<String, List<String>> actual = describe(baselined);
    assertThat(expected.get("columns")).hasSizeGreaterThan(200);
    for (String part : expected.keySet()) {
      assertThat(actual.get(part)).as(part).containsExactlyElementsOf(expected.get(part));
    }
  }

  @Test
  void a_database_the_migrations_made_goes_on_with_them() throws SQLException {
    DataSource db = database();
    flyway(db, MIGRATIONS).migrate();
    Map<String, List<String>> before = describe(db);

    MigrateResult again = flyway(db, MIGRATIONS, ServiceConfig.EMBEDDED_BASELINE).migrate();

    assertThat(again.migrationsExecuted).isZero();
    assertThat(describe(db)).isEqualTo(before);
  }

  private static DataSource database() {
    JdbcDataSource db = new JdbcDataSource();
    db.setURL("jdbc:h2:mem:baseline-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return db;
  }

  private static Flyway flyway(DataSource db, String... locations) {
    return QuietFlyway.on(db, locations);
  }

  /** The schema as sorted lines, with the names H2 made up left out. */
  private static Map<String, List<String>> describe(DataSource db) throws SQLException {
    try (Connection connection = db.getConnection();
        Statement sql = connection.createStatement()) {
      Map<String, List<String>> parts = new HashMap<>();
      parts.put(
          "columns",
          rows(
              sql,
              "SELECT TABLE_NAME, ORDINAL_POSITION, COLUMN_NAME, DATA_TYPE,"
                  + " CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, IS_NULLABLE, COLUMN_DEFAULT,"
                  + " IS_IDENTITY, IDENTITY_GENERATION FROM INFORMATION_SCHEMA.COLUMNS"
                  + " WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME <> 'flyway_schema_history'"));
      parts.put(
          "index columns",
          rows(
              sql,
              "SELECT c.TABLE_NAME, CASE WHEN i.IS_GENERATED THEN i.INDEX_TYPE_NAME"
                  + " ELSE i.INDEX_NAME END, c.ORDINAL_POSITION, c.COLUMN_NAME,"
                  + " c.ORDERING_SPECIFICATION, c.IS_UNIQUE"
                  + " FROM INFORMATION_SCHEMA.INDEX_COLUMNS c JOIN INFORMATION_SCHEMA.INDEXES i"
                  + " ON i.INDEX_SCHEMA = c.INDEX_SCHEMA AND i.INDEX_NAME = c.INDEX_NAME"
                  + " WHERE c.TABLE_SCHEMA = 'PUBLIC' AND c.TABLE_NAME <> 'flyway_schema_history'"));
      parts.put("constraints", constraints(sql));
      parts.put("lease rows", rows(sql, "SELECT * FROM service_lease"));
      parts.put("cursor rows", rows(sql, "SELECT * FROM webhook_cursor"));
      return parts;
    }
  }

  /** Each constraint as its table, kind, columns and, for a foreign key, what it references. */
  private static List<String> constraints(Statement sql) throws SQLException {
    Map<String, String> columns = new HashMap<>();
    records(
            sql,
            "SELECT CONSTRAINT_NAME, TABLE_NAME || '(' || LISTAGG(COLUMN_NAME, ',')"
                + " WITHIN GROUP (ORDER BY ORDINAL_POSITION) || ')'"
                + " FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = 'PUBLIC'"
                + " GROUP BY CONSTRAINT_NAME, TABLE_NAME")
        .forEach(key -> columns.put(key.get(0), key.get(1)));
    Map<String, String> references = new HashMap<>();
    records(
            sql,
            "SELECT CONSTRAINT_NAME, UNIQUE_CONSTRAINT_NAME, DELETE_RULE"
                + " FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS"
                + " WHERE CONSTRAINT_SCHEMA = 'PUBLIC'")
        .forEach(
            foreign ->
                references.put(
                    foreign.get(0),
                    " -> " + columns.get(foreign.get(1)) + " on delete " + foreign.get(2)));
    List<String> described = new ArrayList<>();
    for (List<String> constraint :
        records(
            sql,
            "SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                + " WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME <> 'flyway_schema_history'")) {
      String name = constraint.get(0);
      described.add(
          (GENERATED.matcher(name).matches() ? "" : name + " ")
              + constraint.get(1)
              + " "
              + columns.get(name)
              + references.getOrDefault(name, ""));
    }
    described.sort(null);
    return described;
  }

  /** The rows of {@code query}, each as one line, sorted. */
  private static List<String> rows(Statement sql, String query) throws SQLException {
    List<String> rows = new ArrayList<>();
    for (List<String> record : records(sql, query)) {
      rows.add(String.join(" | ", record));
    }
    rows.sort(null);
    return rows;
  }

  private static List<List<String>> records(Statement sql, String query) throws SQLException {
    List<List<String>> records = new ArrayList<>();
    try (ResultSet result = sql.executeQuery(query)) {
      int width = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<String> fields = new ArrayList<>();
        for (int i = 1; i <= width; i++) {
          fields.add(String.valueOf(result.getString(i)));
        }
        records.add(fields);
      }
    }
    return records;
  }
}
