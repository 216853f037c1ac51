package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static dev.jobkit.server.support.Problems.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.JobResults;
import dev.jobkit.sdk.ResultsExpiredException;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Retention ({@code jobkit.retention.*}): a service of its own whose limit is a millisecond and
 * whose sweep runs every 100 ms, so an ended job's results and logs go at once; the test waits for
 * the job's {@code results_expired_at}, not for a guessed time.
 */
class RetentionIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension
  static final JobkitService service =
      JobkitService.own(
          "--jobkit.retention.default=1ms", "--jobkit.retention.sweep-interval=100ms");

  private final Api user = service.user();

  @Test
  void the_results_and_logs_of_an_ended_job_go_and_the_job_says_when() {
    Job job = user.submitShell("echo in the log; printf kept > \"$JOBKIT_OUTPUT_DIR/out.txt\"");
    user.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    Job expired =
        await().atMost(TIMEOUT).until(() -> user.job(job.id()), j -> j.resultsExpiredAt() != null);

    assertThat(expired.resultsExpiredAt()).isAfterOrEqualTo(expired.finishedAt());
    assertThat(
            user.get("/api/v1/jobs/" + job.id())
                .expect(200)
                .json()
                .path("results_expired_at")
                .asString())
        .isEqualTo(expired.resultsExpiredAt().toString());
    assertThat(Files.exists(service.server().jobDir(job.id()).resolve("output"))).isFalse();
    assertThat(Files.exists(service.server().jobDir(job.id()).resolve("logs"))).isFalse();
    for (String path :
        List.of(
            "/results",
            "/results/out.txt",
            "/results.zip",
            "/log",
            "/log?pod=0&tail_chars=100",
            "/log/stream")) {
      Api.Response answer = user.get("/api/v1/jobs/" + job.id() + path);
      assertRefused(answer, 410, "results_expired", null);
      JsonNode problem = answer.json();
      assertThat(Instant.parse(problem.path("expired_at").asString()))
          .as(path)
          .isEqualTo(expired.resultsExpiredAt());
      assertThat(problem.path("detail").asString()).contains("removed by retention");
    }
    // The job itself and its history stay.
    assertThat(user.events(job.id())).isNotEmpty();

    // The SDK says so, with when.
    JobResults results = service.client(service.userKey()).jobs().results(job.id());
    assertThatThrownBy(results::manifest)
        .isInstanceOfSatisfying(
            ResultsExpiredException.class,
            e -> assertThat(e.expiredAt()).contains(expired.resultsExpiredAt()));
    assertThatThrownBy(results::openZip).isInstanceOf(ResultsExpiredException.class);
  }

  @Test
  void a_limit_that_is_neither_keep_nor_a_duration_stops_the_service_at_start() {
    assertThatThrownBy(() -> JobkitServer.start("--jobkit.retention.users.bob=3 weeks"))
        .hasStackTraceContaining("jobkit.retention.users.bob is '3 weeks'");
    assertThatThrownBy(() -> JobkitServer.start("--jobkit.retention.default=0s"))
        .hasStackTraceContaining("jobkit.retention.default is '0s'");
  }
}
