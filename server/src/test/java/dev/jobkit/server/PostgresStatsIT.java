package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.PostgresService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The statistics' SQL ({@code PERCENTILE_CONT … WITHIN GROUP}, {@code EXTRACT(EPOCH FROM …)}) and
 * the export's keyset pages on PostgreSQL: the checks of StatsIT on a database of the class's own
 * ({@link PostgresService}: skipped outside CI when no PostgreSQL answers).
 */
class PostgresStatsIT {

  @RegisterExtension static final PostgresService postgres = PostgresService.create();

  static StatsScenario scenario;

  @BeforeAll
  static void start() {
    JobkitServer server = postgres.server();
    scenario =
        StatsScenario.run(server.newUser("pg-stats", "parallel"), server.admin(), postgres.gates());
  }

  @AfterAll
  static void release() {
    if (scenario != null) {
      scenario.release();
    }
  }

  @Test
  void the_figures_of_known_jobs_are_exact_on_postgresql() {
    scenario.assertStats(postgres.server().admin());
  }

  @Test
  void the_export_reads_every_page_on_postgresql() throws IOException {
    Api user = postgres.server().newUser("pg-export", "parallel");
    Job parent = user.submitShell(postgres.gates().script("pg-export-hold"));
    List<Map<String, Object>> jobs = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      jobs.add(
          Map.of(
              "command",
              List.of("true"),
              "display_name",
              "=pg " + i,
              "parents",
              List.of(parent.id())));
    }
    user.post("/api/v1/jobs/batch", Api.JSON.writeValueAsString(Map.of("jobs", jobs))).expect(201);
    List<String> listed = user.listAll("owner=me&limit=1000").stream().map(Job::id).toList();
    assertThat(listed).hasSize(701); // more than one of the export's pages of 500
    List<CSVRecord> csv = ExportIT.parse(user.get("/api/v1/jobs/export?owner=me").body());
    assertThat(csv).extracting(r -> r.get("id")).containsExactlyElementsOf(listed);
    assertThat(csv.get(0).get("display_name")).isEqualTo("'=pg 699");
    user.stopAndAwaitCanceled(parent.id()); // its children fail with it, none runs
  }
}
