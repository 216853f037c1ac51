package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.AWAITING_PARENTS;
import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The first jobs with parents on a service that had none: a service alone on its database skips the
 * lookup of waiting children while it knows no job has parents, and must look again once one is
 * submitted.
 */
class FirstChildrenIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.own();

  private final Api api = service.user();

  private Job child(String command, String parent) {
    return api.submit(
        "{\"command\":"
            + Api.JSON.writeValueAsString(List.of(command))
            + ",\"parents\":[\""
            + parent
            + "\"]}");
  }

  @Test
  void children_submitted_after_jobs_without_any_are_released_and_failed_by_their_parents() {
    // Ends looked for waiting children, and found that no job has parents.
    for (int i = 0; i < 3; i++) {
      api.awaitStatus(api.submit("{\"command\":[\"true\"]}").id(), SUCCEEDED, TIMEOUT);
    }

    Job parent = api.submitShell(service.gates().script("first-parent"));
    api.awaitStatus(parent.id(), RUNNING, TIMEOUT);
    Job child = child("true", parent.id());
    assertThat(api.job(child.id()).status()).isEqualTo(AWAITING_PARENTS);
    Job failing = api.submitShell(service.gates().script("first-failing") + "; exit 3");
    api.awaitStatus(failing.id(), RUNNING, TIMEOUT);
    Job orphan = child("true", failing.id());

    service.gates().open("first-parent");
    service.gates().open("first-failing");

    api.awaitStatus(child.id(), SUCCEEDED, TIMEOUT);
    assertThat(api.awaitStatus(orphan.id(), FAILED, TIMEOUT).lastError())
        .startsWith("parent_failed");
  }
}
