package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.CANCELED;
import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The guarded protocol's pre-check, enforced by the service: a stop or a delete with {@code
 * expected_status} applies only while the job is still in the status the caller saw, and changes
 * nothing otherwise.
 */
class ExpectedStatusIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static Api api;

  @BeforeAll
  static void start() {
    api = service.user();
  }

  private static Job runningSleeper(Api as) {
    Job job = as.submit("{\"command\":[\"sleep\",\"300\"]}");
    return as.awaitStatus(job.id(), RUNNING, TIMEOUT);
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asString()));
    return values;
  }

  @Test
  void a_stop_expecting_the_status_the_job_is_in_stops_it_and_accepts_an_alias() {
    Job job = runningSleeper(api);

    Api.Response stop = api.post("/api/v1/jobs/" + job.id() + "/stop?expected_status=running", "");

    assertThat(stop.status()).isIn(200, 202);
    api.awaitStatus(job.id(), CANCELED, TIMEOUT);
  }

  @Test
  void a_stop_expecting_another_status_is_refused_with_409_and_leaves_the_job_as_it_was() {
    Job job = runningSleeper(api);
    int events = api.events(job.id()).size();

    Api.Response stop =
        api.post("/api/v1/jobs/" + job.id() + "/stop?expected_status=QUEUED", "").expect(409);

    assertThat(stop.contentType()).startsWith("application/problem+json");
    JsonNode problem = stop.json();
    assertThat(problem.get("code").asString()).isEqualTo("invalid_state");
    assertThat(problem.get("current_status").asString()).isEqualTo("RUNNING");
    assertThat(problem.get("expected_status").asString()).isEqualTo("QUEUED");
    assertThat(texts(problem.get("allowed_statuses"))).containsExactly("QUEUED");
    assertThat(problem.get("detail").asString())
        .contains("it is RUNNING, not QUEUED")
        .contains("nothing was done");
    assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);
    assertThat(api.events(job.id())).hasSize(events);
    api.stopAndAwaitCanceled(job.id());
  }

  @Test
  void a_stop_expecting_a_running_job_that_has_ended_is_refused_with_its_end_state() {
    Job job = api.submit("{\"command\":[\"true\"]}");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    Api.Response stop =
        api.post("/api/v1/jobs/" + job.id() + "/stop?expected_status=RUNNING", "").expect(409);

    assertThat(stop.json().get("code").asString()).isEqualTo("invalid_state");
    assertThat(stop.json().get("current_status").asString()).isEqualTo("SUCCEEDED");
    assertThat(api.job(job.id()).status()).isEqualTo(SUCCEEDED);
  }

  @Test
  void
      a_queued_job_that_starts_while_it_is_stopped_as_queued_either_never_runs_or_is_left_running() {
    Api user = service.newUser("expecting", "serial");
    Job occupier = runningSleeper(user);
    Job queued = user.submit("{\"command\":[\"sleep\",\"300\"]}");
    assertThat(user.job(queued.id()).status()).isEqualTo(QUEUED);

    // Frees the user's one slot, so the queued job is claimed and started while the stop that
    // expects it queued goes out: whichever comes first, the job ends in one consistent state.
    user.post("/api/v1/jobs/" + occupier.id() + "/stop", "");
    Api.Response stop =
        user.post("/api/v1/jobs/" + queued.id() + "/stop?expected_status=QUEUED", "");

    if (stop.status() == 200) {
      assertThat(stop.as(Job.class).status()).isEqualTo(CANCELED);
      assertThat(user.events(queued.id()))
          .extracting(JobEvent::toStatus)
          .containsExactly(QUEUED, CANCELED);
      assertThat(user.job(queued.id()).attempts()).isEmpty();
    } else {
      assertThat(stop.status()).isEqualTo(409);
      assertThat(stop.json().get("current_status").asString()).isNotEqualTo("QUEUED");
      assertThat(user.events(queued.id())).extracting(JobEvent::toStatus).doesNotContain(CANCELED);
      user.stopAndAwaitCanceled(
          user.awaitStatus(queued.id(), RUNNING, TIMEOUT).id()); // it went on to run
    }
    user.awaitStatus(occupier.id(), CANCELED, TIMEOUT);
  }

  @Test
  void a_delete_expecting_the_status_the_job_ended_in_removes_it_and_another_is_refused() {
    Job job = api.submit("{\"command\":[\"false\"]}");
    api.awaitStatus(job.id(), FAILED, TIMEOUT);

    Api.Response refused =
        api.delete("/api/v1/jobs/" + job.id() + "?expected_status=completed").expect(409);
    assertThat(refused.json().get("code").asString()).isEqualTo("invalid_state");
    assertThat(refused.json().get("current_status").asString()).isEqualTo("FAILED");
    assertThat(refused.json().get("expected_status").asString()).isEqualTo("SUCCEEDED");
    api.get("/api/v1/jobs/" + job.id()).expect(200);

    api.delete("/api/v1/jobs/" + job.id() + "?expected_status=FAILED&purge_artifacts=true")
        .expect(200);
    api.get("/api/v1/jobs/" + job.id()).expect(404);
  }

  @Test
  void an_expected_status_that_is_no_status_or_one_the_action_is_never_allowed_in_is_a_400() {
    Job running = runningSleeper(api);
    Job ended = api.submit("{\"command\":[\"true\"]}");
    api.awaitStatus(ended.id(), SUCCEEDED, TIMEOUT);

    List<Api.Response> answers =
        List.of(
            api.post("/api/v1/jobs/" + running.id() + "/stop?expected_status=sleeping", ""),
            api.post("/api/v1/jobs/" + running.id() + "/stop?expected_status=SUCCEEDED", ""),
            api.delete("/api/v1/jobs/" + ended.id() + "?expected_status=RUNNING"));

    assertThat(answers)
        .allSatisfy(
            a -> {
              a.expect(400);
              assertThat(a.json().get("code").asString()).isEqualTo("validation_failed");
              assertThat(a.json().get("errors").get(0).get("field").asString())
                  .isEqualTo("expected_status");
            });
    assertThat(answers.get(0).json().get("detail").asString()).contains("'sleeping'");
    assertThat(answers.get(1).json().get("detail").asString())
        .contains("stop is never allowed in SUCCEEDED");
    assertThat(api.job(running.id()).status()).isEqualTo(RUNNING);
    assertThat(api.job(ended.id()).status()).isEqualTo(SUCCEEDED);
    api.stopAndAwaitCanceled(running.id());
  }
}
