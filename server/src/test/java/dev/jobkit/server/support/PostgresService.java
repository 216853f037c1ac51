package dev.jobkit.server.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A service of the class's own on a PostgreSQL database of the class's own, as a JUnit extension:
 * before the class's first test it creates a new, empty {@link PostgresDatabase}, starts a {@link
 * JobkitServer} on it and makes {@link #gates()}; after its last test it stops the server, deletes
 * the gates and drops the database, whether the tests passed, failed, or the start itself failed.
 * Like {@link PostgresDatabase#create()} it skips the class outside CI when no PostgreSQL answers.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresService postgres = PostgresService.create();
 *
 * @Test
 * void a_job_runs_on_postgresql() {
 *   Api admin = postgres.server().admin();
 *   ...
 * }
 * }</pre>
 *
 * <p>The class's @BeforeAll methods run after the service has started and its @AfterAll methods
 * before it stops. The @Nested classes of a class share its service.
 */
public final class PostgresService implements BeforeAllCallback, AfterAllCallback {

  /** The class that registered this extension; JUnit calls it for its @Nested classes too. */
  private Class<?> ownerClass;

  private PostgresDatabase database;
  private JobkitServer server;
  private Gates gates;

  private PostgresService() {}

  /** A database and a service on it, for the class that registers it. */
  public static PostgresService create() {
    return new PostgresService();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (ownerClass != null) {
      return; // a @Nested class of the owner: it shares the owner's service
    }
    ownerClass = context.getRequiredTestClass();
    database = PostgresDatabase.create();
    server = JobkitServer.start(database.serverArgs());
    gates = Gates.create();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getRequiredTestClass() != ownerClass) {
      return;
    }
    // Each step whatever the one before it did: the database must not outlive the class.
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      try {
        if (gates != null) {
          gates.close();
        }
      } finally {
        if (database != null) {
          database.close();
        }
      }
    }
  }

  /** The class's database: its JDBC URL, user and {@linkplain PostgresDatabase#connect() SQL}. */
  public PostgresDatabase database() {
    return database;
  }

  /** The service on the class's database. */
  public JobkitServer server() {
    return server;
  }

  /** The class's gates: jobs that run until the test lets them end. */
  public Gates gates() {
    return gates;
  }
}
