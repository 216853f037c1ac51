package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job's token ({@code JOBKIT_TOKEN}) lasts as long as its attempt: job code must not turn it into
 * something that lasts longer. A share token (up to 30 days) and a webhook (until deleted, told of
 * every job of the owner) would both outlive the attempt, so a job token cannot make either; it
 * still reads, lists and revokes as its owner.
 */
class JobTokenLastingIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private final Api user = service.user();

  @Test
  void a_job_token_makes_no_share_and_no_webhook() {
    Job other = user.submitShell("true");
    user.awaitStatus(other.id(), SUCCEEDED, Duration.ofSeconds(60));
    String call =
        "curl -s -o /dev/null -w '%{http_code} ' -X POST -H \"Authorization: Bearer $JOBKIT_TOKEN\""
            + " -H 'Content-Type: application/json' ";
    Job job =
        user.submitShell(
            call
                + "-d '{}' \"$JOBKIT_URL/api/v1/jobs/"
                + other.id()
                + "/shares\"; "
                + call
                + "-d '{}' \"$JOBKIT_URL/api/v1/jobs/$JOBKIT_JOB_ID/shares\"; "
                + call
                + "-d '{\"url\":\"http://127.0.0.1:9/hook\"}' \"$JOBKIT_URL/api/v1/webhooks\"; "
                + "curl -s -o /dev/null -w '%{http_code}' -H \"Authorization: Bearer $JOBKIT_TOKEN\""
                + " \"$JOBKIT_URL/api/v1/jobs/"
                + other.id()
                + "/shares\"");
    user.awaitStatus(job.id(), SUCCEEDED, Duration.ofSeconds(60));

    String log = user.get("/api/v1/jobs/" + job.id() + "/log").json().get("content").asText();
    assertThat(log).isEqualTo("403 403 403 200");
    assertThat(user.get("/api/v1/jobs/" + other.id() + "/shares").json().get("items")).isEmpty();
    assertThat(user.get("/api/v1/webhooks").json().get("items")).isEmpty();
  }
}
