package dev.jobkit.server.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A database of its own on the local PostgreSQL server (127.0.0.1:5432 with trust auth, or {@code
 * JOBKIT_TEST_PG_URL} and {@code JOBKIT_TEST_PG_USER}), created for a test and dropped after it.
 * Outside CI a test that asks for one is skipped when no PostgreSQL answers; in CI ({@code
 * CI=true}) it fails.
 *
 * <pre>{@code
 * try (PostgresDatabase db = PostgresDatabase.create();
 *     JobkitServer server = JobkitServer.start(db.serverArgs())) {
 *   ...
 * }
 * }</pre>
 */
public final class PostgresDatabase implements AutoCloseable {

  private static final String ADMIN_URL =
      System.getenv()
          .getOrDefault("JOBKIT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
  private static final String USER =
      System.getenv().getOrDefault("JOBKIT_TEST_PG_USER", "postgres");

  private final String name;

  private PostgresDatabase(String name) {
    this.name = name;
  }

  /** Creates a new, empty database (or skips the calling test, outside CI, if there is none). */
  public static PostgresDatabase create() {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(reachable(), "no PostgreSQL at " + ADMIN_URL);
    }
    String name =
        "jobkit_it_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    admin("CREATE DATABASE " + name);
    return new PostgresDatabase(name);
  }

  /** The settings that point a {@link JobkitServer} at this database. */
  public String[] serverArgs() {
    return new String[] {
      "--jobkit.datasource.url=" + jdbcUrl(), "--jobkit.datasource.username=" + USER
    };
  }

  /** The JDBC URL of this database. */
  public String jdbcUrl() {
    return ADMIN_URL.replaceAll("/[^/]*$", "/" + name);
  }

  /** The user to connect as (trust authentication, no password). */
  public String user() {
    return USER;
  }

  /** A new connection to this database, as {@link #user()}; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, "");
  }

  /** Drops the database, closing whatever connections are still open to it. */
  @Override
  public void close() {
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static boolean reachable() {
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, "")) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private static void admin(String sql) {
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL refused: " + sql, e);
    }
  }
}
