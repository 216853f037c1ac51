package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.AWAITING_PARENTS;
import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.api.JobList;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** Jobs that wait for other jobs, and batches submitted in one transaction. */
class ParentsAndBatchIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitServer server;
  static Api api;
  static Gates gates;

  @BeforeAll
  static void start() {
    server = service.server();
    api = service.user();
    gates = service.gates();
  }

  private static Job child(String script, String... parents) {
    return api.submit(
        "{\"shell\":"
            + Api.JSON.writeValueAsString(script)
            + ",\"parents\":"
            + Api.JSON.writeValueAsString(List.of(parents))
            + "}");
  }

  private static JobEvent eventTo(String jobId, JobStatus status) {
    return api.events(jobId).stream()
        .filter(e -> e.toStatus() == status)
        .findFirst()
        .orElseThrow(() -> new AssertionError("job " + jobId + " never entered " + status));
  }

  @Test
  void a_child_waits_for_its_parent_then_runs_once_the_parent_succeeds() {
    Job parent = api.submitShell(gates.script("parent"));
    api.awaitStatus(parent.id(), RUNNING, TIMEOUT);

    Job child = child("echo child ran", parent.id());

    Job waiting = api.job(child.id());
    assertThat(waiting.status()).isEqualTo(AWAITING_PARENTS);
    assertThat(waiting.statusReason()).contains("waiting for parents").contains(parent.id());
    assertThat(waiting.parents()).containsExactly(parent.id());

    gates.open("parent");
    api.awaitStatus(child.id(), SUCCEEDED, TIMEOUT);

    assertThat(api.events(child.id()))
        .extracting(JobEvent::toStatus)
        .containsExactly(AWAITING_PARENTS, QUEUED, JobStatus.CLAIMED, RUNNING, SUCCEEDED);
    assertThat(eventTo(child.id(), QUEUED).id())
        .isGreaterThan(eventTo(parent.id(), SUCCEEDED).id());
    assertThat(api.get("/api/v1/jobs/" + child.id() + "/log").json().get("content").asString())
        .isEqualTo("child ran\n");
  }

  @Test
  void a_child_of_two_parents_waits_for_the_one_still_running() {
    Job quick = api.submit("{\"command\":[\"true\"]}");
    Job slow = api.submitShell(gates.script("slow"));
    api.awaitStatus(quick.id(), SUCCEEDED, TIMEOUT);
    api.awaitStatus(slow.id(), RUNNING, TIMEOUT);

    Job child = child("true", quick.id(), slow.id());

    Job waiting = api.job(child.id());
    assertThat(waiting.status()).isEqualTo(AWAITING_PARENTS);
    assertThat(waiting.statusReason()).contains(slow.id()).doesNotContain(quick.id());
    gates.open("slow");
    api.awaitStatus(child.id(), SUCCEEDED, TIMEOUT);
  }

  @Test
  void when_a_parent_fails_its_child_and_grandchild_fail_with_parent_failed() {
    Job parent = api.submitShell(gates.script("failing-parent") + "; exit 3");
    api.awaitStatus(parent.id(), RUNNING, TIMEOUT);
    Job child = child("echo never", parent.id());
    Job grandchild = child("echo never", child.id());
    assertThat(api.job(grandchild.id()).status()).isEqualTo(AWAITING_PARENTS);

    gates.open("failing-parent");

    api.awaitStatus(parent.id(), FAILED, TIMEOUT);
    Job failedChild = api.awaitStatus(child.id(), FAILED, TIMEOUT);
    Job failedGrandchild = api.awaitStatus(grandchild.id(), FAILED, TIMEOUT);
    assertThat(failedChild.statusReason()).startsWith("parent_failed").contains(parent.id());
    assertThat(failedGrandchild.statusReason()).startsWith("parent_failed").contains(child.id());
    assertThat(failedChild.attempts()).isEmpty();
    assertThat(failedGrandchild.attempts()).isEmpty();
    assertThat(api.events(grandchild.id()))
        .extracting(JobEvent::toStatus)
        .containsExactly(AWAITING_PARENTS, FAILED);
    assertThat(server.jobDir(child.id()).resolve("logs")).doesNotExist();
  }

  @Test
  void a_child_submitted_after_its_parent_failed_fails_at_once() {
    Job parent = api.submit("{\"command\":[\"false\"]}");
    api.awaitStatus(parent.id(), FAILED, TIMEOUT);

    Job child = child("echo never", parent.id());

    Job failed = api.awaitStatus(child.id(), FAILED, TIMEOUT);
    assertThat(failed.statusReason()).startsWith("parent_failed");
  }

  @Test
  void a_batch_may_name_parents_by_their_ref_inside_the_batch() {
    String body =
        "{\"jobs\":["
            + "{\"ref\":\"prep\",\"shell\":\"echo prep\"},"
            + "{\"ref\":\"train\",\"shell\":\"echo train\",\"parents\":[\"prep\"]},"
            + "{\"ref\":\"report\",\"shell\":\"echo report\",\"parents\":[\"prep\",\"train\"]}"
            + "]}";

    List<Job> jobs = api.post("/api/v1/jobs/batch", body).expect(201).as(JobList.class).items();

    assertThat(jobs).hasSize(3);
    Job prep = jobs.get(0);
    Job train = jobs.get(1);
    Job report = jobs.get(2);
    assertThat(prep.parents()).isEmpty();
    assertThat(train.parents()).containsExactly(prep.id());
    assertThat(report.parents()).containsExactly(prep.id(), train.id());
    for (Job job : jobs) {
      api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);
    }
    assertThat(eventTo(train.id(), QUEUED).id()).isGreaterThan(eventTo(prep.id(), SUCCEEDED).id());
    assertThat(eventTo(report.id(), QUEUED).id())
        .isGreaterThan(eventTo(train.id(), SUCCEEDED).id());
  }

  @Test
  void a_batch_with_an_unknown_parent_is_refused_naming_the_field() {
    String name = "batch-" + UUID.randomUUID();
    String body =
        "{\"jobs\":["
            + "{\"ref\":\"a\",\"shell\":\"true\",\"display_name\":\""
            + name
            + "\"},"
            + "{\"shell\":\"true\",\"display_name\":\""
            + name
            + "\",\"parents\":[\"a\",\"job_doesnotexist\"]}"
            + "]}";

    Api.Response refused = api.post("/api/v1/jobs/batch", body).expect(400);

    JsonNode problem = refused.json();
    assertThat(problem.get("code").asString()).isEqualTo("validation_failed");
    assertThat(fields(problem)).containsExactly("jobs[1].parents[1]");
    assertThat(problem.get("detail").asString()).contains("job_doesnotexist");
    assertThat(jobsNamed(name)).isEmpty();
  }

  @Test
  void a_batch_whose_parents_form_a_cycle_is_refused_and_creates_nothing() {
    String name = "cycle-" + UUID.randomUUID();
    String body =
        "{\"jobs\":["
            + "{\"ref\":\"root\",\"shell\":\"true\",\"display_name\":\""
            + name
            + "\"},"
            + "{\"ref\":\"a\",\"shell\":\"true\",\"display_name\":\""
            + name
            + "\",\"parents\":[\"root\",\"c\"]},"
            + "{\"ref\":\"b\",\"shell\":\"true\",\"display_name\":\""
            + name
            + "\",\"parents\":[\"a\"]},"
            + "{\"ref\":\"c\",\"shell\":\"true\",\"display_name\":\""
            + name
            + "\",\"parents\":[\"b\"]}"
            + "]}";

    Api.Response refused = api.post("/api/v1/jobs/batch", body).expect(400);

    assertThat(refused.json().get("code").asString()).isEqualTo("validation_failed");
    assertThat(refused.json().get("detail").asString())
        .contains("cycle")
        .contains("a")
        .contains("b")
        .contains("c");
    assertThat(jobsNamed(name)).isEmpty();
  }

  @Test
  void a_job_cannot_be_its_own_parent_in_a_batch() {
    Api.Response refused =
        api.post(
                "/api/v1/jobs/batch",
                "{\"jobs\":[{\"ref\":\"self\",\"shell\":\"true\",\"parents\":[\"self\"]}]}")
            .expect(400);

    assertThat(fields(refused.json())).containsExactly("jobs[0].parents[0]");
  }

  @Test
  void a_batch_is_all_or_nothing_one_bad_job_means_no_job_is_created() {
    String name = "atomic-" + UUID.randomUUID();
    String body =
        "{\"jobs\":["
            + "{\"shell\":\"true\",\"display_name\":\""
            + name
            + "\"},"
            + "{\"shell\":\"true\",\"display_name\":\""
            + name
            + "\"},"
            + "{\"shell\":\"true\",\"display_name\":\""
            + name
            + "\",\"priority\":42}"
            + "]}";

    Api.Response refused = api.post("/api/v1/jobs/batch", body).expect(400);

    assertThat(fields(refused.json())).containsExactly("jobs[2].priority");
    assertThat(jobsNamed(name)).isEmpty();
  }

  @Test
  void a_parent_that_does_not_exist_is_refused_on_a_single_submission() {
    Api.Response refused =
        api.post("/api/v1/jobs", "{\"shell\":\"true\",\"parents\":[\"job_nope\"]}").expect(400);

    assertThat(fields(refused.json())).containsExactly("parents[0]");
  }

  private static List<String> fields(JsonNode problem) {
    List<String> fields = new ArrayList<>();
    problem.get("errors").forEach(e -> fields.add(e.get("field").asString()));
    return fields;
  }

  private static List<String> jobsNamed(String name) {
    List<String> ids = new ArrayList<>();
    api.get("/api/v1/jobs?name=" + name)
        .expect(200)
        .json()
        .get("items")
        .forEach(j -> ids.add(j.get("id").asString()));
    return ids;
  }
}
