package dev.jobkit.tools.executor;

import static dev.jobkit.tools.executor.CheckedTools.failed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Results that retention removed, through the tools: a service of its own whose limit is a
 * millisecond and whose sweep runs every 100 ms; the test waits for the job's {@code
 * results_expired_at}, not for a guessed time. {@code get_job_results} and {@code get_job_logs}
 * answer the error {@code results_expired} with {@code expired_at}, not a bare not-found.
 */
class ExpiredResultsToolsIT {

  @RegisterExtension
  static final JobkitService service =
      JobkitService.own(
          "--jobkit.retention.default=1ms", "--jobkit.retention.sweep-interval=100ms");

  @Test
  void results_removed_by_retention_are_an_error_that_says_when() {
    JobkitClient user = service.client(service.userKey());
    String id =
        user.jobs()
            .submit(JobSpec.builder().shell("echo hi; echo x > \"$JOBKIT_OUTPUT_DIR/out\"").build())
            .id();
    user.jobs().await(id, JobStatus::isTerminal, Duration.ofSeconds(60));
    Job expired =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> user.jobs().get(id), j -> j.resultsExpiredAt() != null);
    CheckedTools tools = new CheckedTools(ToolExecutor.builder(user).build());

    for (String tool : new String[] {"get_job_results", "get_job_logs"}) {
      JsonNode error = failed(tools.call(tool, "job_id", id)).get("error");

      assertThat(error.get("code").asString()).as(tool).isEqualTo("results_expired");
      assertThat(error.get("http_status").asInt()).isEqualTo(410);
      assertThat(Instant.parse(error.get("expired_at").asString()))
          .isEqualTo(expired.resultsExpiredAt());
      assertThat(error.get("detail").asString()).contains("removed by retention");
      assertThat(error.get("fix").asString()).contains("do not come back");
    }
  }
}
