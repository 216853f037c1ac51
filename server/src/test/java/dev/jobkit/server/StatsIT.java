package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Problems;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/v1/stats} on H2: exact counts, success rate, mean and p95 run time and
 * resource-seconds of known jobs ({@link StatsScenario}), per group and over a range; a user's own
 * jobs only; wrong parameters are 400s naming them. PostgresStatsIT runs the same on PostgreSQL.
 */
class StatsIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static StatsScenario scenario;

  @BeforeAll
  static void jobs() {
    scenario = StatsScenario.run(service.user(), service.admin(), service.gates());
  }

  @AfterAll
  static void release() {
    if (scenario != null) {
      scenario.release();
    }
  }

  @Test
  void the_figures_of_known_jobs_are_exact_in_total_per_group_and_over_a_range() {
    scenario.assertStats(service.admin());
  }

  @Test
  void others_jobs_public_or_not_are_not_in_a_users_statistics() {
    Api other = service.newUser("stats-other", "parallel");
    Job shown = other.submit("{\"command\":[\"true\"],\"accessibility\":\"PUBLIC\"}");
    other.awaitEnd(shown.id());

    StatsScenario.assertFigures(
        StatsScenario.stats(service.user(), "").total(), scenario.jobs, "the user's");
    assertThat(StatsScenario.stats(other, "").total().jobs()).isEqualTo(1);
    assertThat(StatsScenario.stats(other, "owner=me").total().jobs()).isEqualTo(1);
    Problems.assertRefused(
        other.get("/api/v1/stats?owner=" + service.userName()), 403, "forbidden", null);
    assertThat(
            StatsScenario.stats(service.admin(), "owner=" + other.name() + "&group_by=status")
                .groups())
        .extracting(g -> g.key() + "=" + g.figures().jobs())
        .containsExactly("SUCCEEDED=1");
  }

  @Test
  void wrong_parameters_are_400s_naming_them() {
    Api user = service.user();
    for (String[] wrong :
        new String[][] {
          {"from=yesterday", "from"},
          {"to=2026-13-01T00:00:00Z", "to"},
          {"group_by=team", "group_by"},
          {"from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"},
          {"from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"},
          {"from=%2B999999999-12-31T23:59:59Z", "from"}
        }) {
      Problems.assertRefused(
          user.get("/api/v1/stats?" + wrong[0]), 400, "validation_failed", wrong[1]);
    }
    assertThat(service.server().anonymous().get("/api/v1/stats").status()).isEqualTo(401);
  }
}
