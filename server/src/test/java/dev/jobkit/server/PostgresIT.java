package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobPage;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service on PostgreSQL instead of the embedded H2: the same migrations, queries and lifecycle.
 * The test creates its own database on the local server (127.0.0.1:5432, or {@code
 * JOBKIT_TEST_PG_URL}) and drops it afterwards. Outside CI it is skipped when no PostgreSQL
 * answers; in CI ({@code CI=true}) a missing PostgreSQL fails it.
 */
class PostgresIT {

  private static final String ADMIN_URL =
      System.getenv()
          .getOrDefault("JOBKIT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
  private static final String USER =
      System.getenv().getOrDefault("JOBKIT_TEST_PG_USER", "postgres");
  private static final String DATABASE =
      "jobkit_it_"
          + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);

  static JobkitServer server;

  @BeforeAll
  static void createDatabase() throws SQLException {
    boolean reachable = reachable();
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(reachable, "no PostgreSQL at " + ADMIN_URL);
    }
    admin("CREATE DATABASE " + DATABASE);
    server =
        JobkitServer.start(
            "--jobkit.datasource.url=" + ADMIN_URL.replaceAll("/[^/]*$", "/" + DATABASE),
            "--jobkit.datasource.username=" + USER);
  }

  @AfterAll
  static void dropDatabase() throws SQLException {
    if (server != null) {
      server.close();
      admin("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }
  }

  @Test
  void jobs_run_filter_stop_and_delete_on_postgresql() {
    Api api = server.admin();
    Job done = api.submit("{\"shell\":\"echo on-postgres\",\"tags\":{\"db\":\"pg\"}}");
    api.awaitStatus(done.id(), JobStatus.SUCCEEDED);
    Job sleeper = api.submit("{\"command\":[\"sleep\",\"60\"],\"display_name\":\"PG sleeper\"}");
    api.awaitStatus(sleeper.id(), JobStatus.RUNNING);

    JobPage tagged =
        api.get("/api/v1/jobs?tag=db=pg&status=completed").expect(200).as(JobPage.class);
    assertThat(tagged.items()).extracting(Job::id).containsExactly(done.id());
    JobPage named = api.get("/api/v1/jobs?name=pg%20SLEEP").expect(200).as(JobPage.class);
    assertThat(named.items()).extracting(Job::id).containsExactly(sleeper.id());

    // A rename is an event of its own kind (the columns of migration V2).
    api.patch("/api/v1/jobs/" + sleeper.id(), "{\"display_name\":\"PG sleeper 2\"}").expect(200);
    assertThat(api.events(sleeper.id()))
        .filteredOn(e -> e.kind() == EventKind.RENAMED)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.oldValue()).isEqualTo("PG sleeper");
              assertThat(e.newValue()).isEqualTo("PG sleeper 2");
              assertThat(e.toStatus()).isEqualTo(JobStatus.RUNNING);
            });
    assertThat(api.events(done.id())).allMatch(e -> e.kind() == EventKind.TRANSITION);

    // 202 while its processes end, or 200 if they were already gone when the answer was written.
    assertThat(api.post("/api/v1/jobs/" + sleeper.id() + "/stop", "").status()).isIn(200, 202);
    api.awaitStatus(sleeper.id(), JobStatus.CANCELED);
    api.delete("/api/v1/jobs/" + done.id()).expect(204);
    api.get("/api/v1/jobs/" + done.id()).expect(404);
  }

  @Test
  void a_flush_runs_as_an_operation_bound_to_its_snapshot_on_postgresql() {
    Api user = server.newUser("pg-flusher", "serial");
    StringBuilder batch = new StringBuilder("{\"jobs\":[");
    for (int i = 0; i < 600; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"command\":[\"sleep\",\"300\"]}");
    }
    user.post("/api/v1/jobs/batch", batch.append("]}").toString()).expect(201);
    FlushResult dry =
        user.post("/api/v1/jobs/flush?scope=active&dry_run=true", "")
            .expect(200)
            .as(FlushResult.class);
    Job after = user.submit("{\"command\":[\"sleep\",\"300\"]}");

    FlushOperation end = user.flushAndAwait("scope=active&snapshot=" + dry.snapshot());

    // 600 jobs: more than one batch (500) of cancels and deletes.
    assertThat(end.status()).isEqualTo(FlushOperation.Status.SUCCEEDED);
    assertThat(end.matched()).isEqualTo(600);
    assertThat(end.deleted()).isEqualTo(600);
    assertThat(end.preview()).hasSize(FlushResult.PREVIEW_SIZE);
    assertThat(user.job(after.id()).status().isActive()).isTrue();
    assertThat(user.flushAndAwait("scope=all").deleted()).isEqualTo(1);
  }

  @Test
  void migrations_apply_once_and_the_service_restarts_on_the_same_database() {
    Job before = server.admin().submit("{\"command\":[\"true\"]}");
    server.admin().awaitStatus(before.id(), JobStatus.SUCCEEDED);

    server.restart();

    assertThat(server.admin().job(before.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    Job after = server.admin().submit("{\"command\":[\"true\"]}");
    server.admin().awaitStatus(after.id(), JobStatus.SUCCEEDED);
  }

  @Test
  void a_jobs_token_works_while_it_runs_and_is_refused_once_it_ended_on_postgresql()
      throws java.io.IOException {
    Api api = server.admin();
    // The token table of migration V3: issued at launch, looked up by its hash, revoked at the end.
    Job job =
        api.submitShell(
            "echo \"$JOBKIT_TOKEN\" > \"$JOBKIT_OUTPUT_DIR/token\"; curl -sS -H \"Authorization:"
                + " Bearer $JOBKIT_TOKEN\" \"$JOBKIT_URL/api/v1/me\"");

    api.awaitStatus(job.id(), JobStatus.SUCCEEDED);

    assertThat(server.jobDir(job.id()).resolve("logs/pod-0.log"))
        .content()
        .contains("\"name\":\"admin\"")
        .contains("\"role\":\"user\"");
    String token =
        java.nio.file.Files.readString(server.jobDir(job.id()).resolve("output/token")).strip();
    assertThat(server.withKey(token).get("/api/v1/me").status()).isEqualTo(401);
  }

  private static boolean reachable() {
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, "")) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private static void admin(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(ADMIN_URL, USER, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
