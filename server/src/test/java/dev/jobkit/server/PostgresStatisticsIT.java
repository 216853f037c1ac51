package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.PostgresService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The service keeps PostgreSQL's statistics of its job tables current itself (whether autovacuum
 * runs or not, and on these machines it does not): after a large batch the planner knows the {@code
 * jobs} table is no longer the empty one it saw, and its claims use the index.
 */
class PostgresStatisticsIT {

  @RegisterExtension static final PostgresService postgres = PostgresService.create();

  @Test
  void a_large_batch_is_analyzed_and_the_claim_uses_the_index() throws Exception {
    Api user = postgres.server().newUser("pg-statistics", "parallel");
    Job parent = user.submitShell(postgres.gates().script("pg-statistics-hold"));
    List<Map<String, Object>> jobs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      jobs.add(Map.of("command", List.of("true"), "parents", List.of(parent.id())));
    }
    for (int batch = 0; batch < 2; batch++) {
      user.post("/api/v1/jobs/batch", Api.JSON.writeValueAsString(Map.of("jobs", jobs)))
          .expect(201);
    }
    try (Connection c = postgres.database().connect()) {
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
