package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static dev.jobkit.server.support.Problems.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Models and results are read-only: a job that is no train or predict job makes none. */
class OutputsIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private final Api user = service.user();

  @Test
  void a_plain_job_makes_no_model_or_result_and_unknown_ids_are_404() {
    Job job = user.submitShell("echo hello > \"$JOBKIT_OUTPUT_DIR/out.txt\"");
    user.awaitStatus(job.id(), SUCCEEDED, Duration.ofSeconds(60));

    assertThat(user.get("/api/v1/models?job_id=" + job.id()).expect(200).json().get("items"))
        .isEmpty();
    assertThat(user.get("/api/v1/results?job_id=" + job.id()).expect(200).json().get("items"))
        .isEmpty();
    assertRefused(user.get("/api/v1/models/model_nothing"), 404, "not_found", null);
    assertRefused(user.get("/api/v1/results/result_nothing"), 404, "not_found", null);
    assertThat(user.post("/api/v1/models", "{}").status()).isEqualTo(405);
  }
}
