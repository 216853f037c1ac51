package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.PostgresDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service keeps PostgreSQL's statistics of its job tables current itself (whether autovacuum
 * runs or not, and on these machines it does not): after a large batch the planner knows the {@code
 * jobs} table is no longer the empty one it saw, and its claims use the index.
 */
class PostgresStatisticsIT {

  static PostgresDatabase database;
  static JobkitServer server;
  static Gates gates;

  @BeforeAll
  static void start() {
    database = PostgresDatabase.create();
    server = JobkitServer.start(database.serverArgs());
    gates = Gates.create();
  }

  @AfterAll
  static void stop() {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (gates != null) {
        gates.close();
      }
      if (database != null) {
        database.close();
      }
    }
  }

  @Test
  void a_large_batch_is_analyzed_and_the_claim_uses_the_index() throws Exception {
    Api user = server.newUser("pg-statistics", "parallel");
    Job parent = user.submitShell(gates.script("pg-statistics-hold"));
    List<Map<String, Object>> jobs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      jobs.add(Map.of("command", List.of("true"), "parents", List.of(parent.id())));
    }
    for (int batch = 0; batch < 2; batch++) {
      user.post("/api/v1/jobs/batch", Api.JSON.writeValueAsString(Map.of("jobs", jobs)))
          .expect(201);
    }
    try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), "")) {
      // Analyzed within seconds of the batch (every 5 s); waited for, not timed.
      long deadline = System.nanoTime() + 120_000_000_000L;
      String rows = "SELECT reltuples::bigint FROM pg_class WHERE relname = 'jobs'";
      while (Long.parseLong(text(c, rows)) < 2000) {
        assertThat(System.nanoTime()).as("jobs analyzed after the batch").isLessThan(deadline);
        Thread.sleep(200);
      }
      String plan =
          text(
              c,
              "EXPLAIN SELECT id, owner, priority, seq, pod_count FROM jobs"
                  + " WHERE owner = 'pg-statistics' AND status = 'QUEUED'"
                  + " ORDER BY owner, status, priority DESC, seq LIMIT 1");
      assertThat(plan).contains("Index").doesNotContain("Seq Scan");
    }
    user.stopAndAwaitCanceled(parent.id());
    assertThat(user.job(parent.id()).status()).isEqualTo(JobStatus.CANCELED);
  }

  private static String text(Connection c, String sql) throws SQLException {
    try (ResultSet r = c.createStatement().executeQuery(sql)) {
      StringBuilder all = new StringBuilder();
      while (r.next()) {
        all.append(r.getString(1)).append('\n');
      }
      return all.toString().trim();
    }
  }
}
