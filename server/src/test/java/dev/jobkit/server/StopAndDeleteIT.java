package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.CANCELED;
import static dev.jobkit.sdk.lifecycle.JobStatus.CANCEL_REQUESTED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobSummary;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Processes;
import dev.jobkit.server.support.Records;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** Stopping, deleting and flushing jobs: the high-risk operations and what they leave behind. */
class StopAndDeleteIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  /** The class's user, for the tests that need no user of their own. */
  private final Api api = service.user();

  /** A user of their own, so that flushes and queues of one test cannot touch another's jobs. */
  private static Api newUser(String mode) {
    return service.newUser("stopper", mode);
  }

  private static Job runningSleeper(Api as) {
    Job job = as.submit("{\"command\":[\"sleep\",\"300\"]}");
    return as.awaitStatus(job.id(), RUNNING, TIMEOUT);
  }

  @Test
  void stop_of_a_queued_job_cancels_it_at_once() {
    Api user = newUser("serial");
    Job occupier = runningSleeper(user);
    Job queued = user.submit("{\"command\":[\"true\"]}");
    assertThat(user.job(queued.id()).status()).isEqualTo(QUEUED);
    assertThat(user.job(queued.id()).statusReason()).contains("serial limit reached");

    Api.Response stop = user.post("/api/v1/jobs/" + queued.id() + "/stop", "").expect(200);

    assertThat(stop.as(Job.class).status()).isEqualTo(CANCELED);
    assertThat(user.events(queued.id()))
        .extracting(JobEvent::toStatus)
        .containsExactly(QUEUED, CANCELED);
    user.stopAndAwaitCanceled(occupier.id());
    // The canceled job never ran, even once its owner's slot was free again.
    assertThat(user.job(queued.id()).attempts()).isEmpty();
    assertThat(user.job(queued.id()).startedAt()).isNull();
  }

  @Test
  void stop_of_a_running_job_kills_its_whole_process_tree() {
    // The script ignores TERM (and so do its children, which inherit that), so the stop has to
    // escalate to KILL after the grace period; the double fork leaves an orphan outside the shell.
    Job job =
        api.submitShell("trap '' TERM; sleep 300 & sleep 300 & (sleep 300 &); echo started; wait");
    api.awaitStatus(job.id(), RUNNING, TIMEOUT);
    await()
        .atMost(TIMEOUT)
        .until(() -> Processes.ofJob(job.id()).size() >= 4); // sh and three sleeps

    Api.Response stop = api.post("/api/v1/jobs/" + job.id() + "/stop", "").expect(202);

    assertThat(stop.as(Job.class).status()).isEqualTo(CANCEL_REQUESTED);
    Job canceled = api.awaitStatus(job.id(), CANCELED, TIMEOUT);
    assertThat(Processes.ofJob(job.id())).isEmpty();
    assertThat(canceled.finishedAt()).isNotNull();
    assertThat(api.events(job.id()))
        .extracting(JobEvent::toStatus)
        .endsWith(RUNNING, CANCEL_REQUESTED, CANCELED);
  }

  @Test
  void stop_of_a_running_job_whose_processes_exit_on_term_ends_canceled_with_no_survivor() {
    Job job = api.submitShell("sleep 300 & sleep 300 & (sleep 300 &); wait");
    api.awaitStatus(job.id(), RUNNING, TIMEOUT);
    await().atMost(TIMEOUT).until(() -> Processes.ofJob(job.id()).size() >= 4);

    Api.Response stop = api.post("/api/v1/jobs/" + job.id() + "/stop", "");

    // Accepted while the processes exit, or already canceled if they were quicker than the answer.
    JobStatus answered = stop.as(Job.class).status();
    if (stop.status() == 202) {
      assertThat(answered).isEqualTo(CANCEL_REQUESTED);
    } else {
      assertThat(stop.status()).isEqualTo(200);
      assertThat(answered).isEqualTo(CANCELED);
    }
    api.awaitStatus(job.id(), CANCELED, TIMEOUT);
    assertThat(Processes.ofJob(job.id())).isEmpty();
  }

  @Test
  void the_cancel_alias_stops_a_running_job() {
    Job job = runningSleeper(api);

    Api.Response cancel = api.post("/api/v1/jobs/" + job.id() + "/cancel", "");

    // 202 while its processes exit, or 200 if they were gone before the answer was written.
    assertThat(cancel.status()).isIn(200, 202);
    assertThat(cancel.as(Job.class).status()).isIn(CANCEL_REQUESTED, CANCELED);
    api.awaitStatus(job.id(), CANCELED, TIMEOUT);
    assertThat(api.events(job.id()))
        .extracting(JobEvent::toStatus)
        .endsWith(RUNNING, CANCEL_REQUESTED, CANCELED);
    assertThat(Processes.ofJob(job.id())).isEmpty();
  }

  @Test
  void stop_of_a_job_waiting_for_its_parent_cancels_it_and_fails_its_own_child() {
    Job parent = api.submitShell("sleep 300");
    api.awaitStatus(parent.id(), RUNNING, TIMEOUT);
    Job waiting = api.submit("{\"shell\":\"true\",\"parents\":[\"" + parent.id() + "\"]}");
    Job grandchild = api.submit("{\"shell\":\"true\",\"parents\":[\"" + waiting.id() + "\"]}");

    Api.Response stop = api.post("/api/v1/jobs/" + waiting.id() + "/stop", "").expect(200);

    assertThat(stop.as(Job.class).status()).isEqualTo(CANCELED);
    Job failed = api.awaitStatus(grandchild.id(), JobStatus.FAILED, TIMEOUT);
    assertThat(failed.statusReason()).startsWith("parent_failed").contains("CANCELED");
    assertThat(api.job(parent.id()).status()).isEqualTo(RUNNING);
    api.stopAndAwaitCanceled(parent.id());
  }

  @Test
  void another_user_cannot_stop_or_delete_a_job_and_cannot_even_see_a_private_one() {
    Api owner = newUser("parallel");
    Api stranger = newUser("parallel");
    Job hidden = owner.submit("{\"command\":[\"sleep\",\"300\"]}");
    Job shown = owner.submit("{\"command\":[\"sleep\",\"300\"],\"accessibility\":\"PUBLIC\"}");
    owner.awaitStatus(hidden.id(), RUNNING, TIMEOUT);
    owner.awaitStatus(shown.id(), RUNNING, TIMEOUT);

    assertThat(stranger.post("/api/v1/jobs/" + hidden.id() + "/stop", "").status()).isEqualTo(404);
    assertThat(stranger.delete("/api/v1/jobs/" + hidden.id()).status()).isEqualTo(404);
    Api.Response forbidden = stranger.post("/api/v1/jobs/" + shown.id() + "/stop", "");
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.json().get("code").asString()).isEqualTo("forbidden");

    assertThat(owner.job(hidden.id()).status()).isEqualTo(RUNNING);
    assertThat(owner.job(shown.id()).status()).isEqualTo(RUNNING);
    owner.stopAndAwaitCanceled(hidden.id());
    owner.stopAndAwaitCanceled(shown.id());
  }

  @Test
  void stop_of_a_finished_job_is_refused_with_invalid_state() {
    Job job = api.submit("{\"command\":[\"true\"]}");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    Api.Response stop = api.post("/api/v1/jobs/" + job.id() + "/stop", "").expect(409);

    assertThat(stop.contentType()).startsWith("application/problem+json");
    JsonNode problem = stop.json();
    assertThat(problem.get("code").asString()).isEqualTo("invalid_state");
    assertThat(problem.get("current_status").asString()).isEqualTo("SUCCEEDED");
    List<String> allowed = new ArrayList<>();
    problem.get("allowed_statuses").forEach(s -> allowed.add(s.asString()));
    assertThat(allowed).contains("QUEUED", "RUNNING").doesNotContain("SUCCEEDED", "CANCELED");
    assertThat(api.job(job.id()).status()).isEqualTo(SUCCEEDED);
  }

  @Test
  void delete_of_an_active_job_is_refused_and_the_job_keeps_running() {
    Job job = runningSleeper(api);

    Api.Response delete = api.delete("/api/v1/jobs/" + job.id()).expect(409);

    assertThat(delete.json().get("code").asString()).isEqualTo("invalid_state");
    assertThat(delete.json().get("current_status").asString()).isEqualTo("RUNNING");
    assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);
    api.stopAndAwaitCanceled(job.id());
  }

  @Test
  void delete_of_an_ended_job_removes_it_and_its_files() {
    Job job = api.submitShell("echo bye; echo result > \"$JOBKIT_OUTPUT_DIR/out.txt\"");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);
    assertThat(service.server().jobDir(job.id()).resolve("output/out.txt")).exists();

    api.delete("/api/v1/jobs/" + job.id()).expect(200);

    assertThat(api.get("/api/v1/jobs/" + job.id()).expect(404).json().get("code").asString())
        .isEqualTo("not_found");
    api.get("/api/v1/jobs/" + job.id() + "/events").expect(404);
    assertThat(service.server().jobDir(job.id())).doesNotExist();
    api.delete("/api/v1/jobs/" + job.id()).expect(404);
  }

  /**
   * Records {@code models} models and {@code results} results of the job as the train and predict
   * apps do when their job succeeds (straight into the store: what produces them is not under test
   * here).
   */
  @Test
  void delete_answers_the_model_and_result_records_that_went_with_the_job() {
    Job job = api.submitShell("echo trained");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);
    Records.add(service.server(), job, 1, 2);
    Job other = api.submitShell("echo other");
    api.awaitStatus(other.id(), SUCCEEDED, TIMEOUT);
    Records.add(service.server(), other, 1, 0);

    JsonNode deleted = api.delete("/api/v1/jobs/" + job.id()).expect(200).json();

    assertThat(deleted.get("id").asString()).isEqualTo(job.id());
    assertThat(deleted.get("deleted").asBoolean()).isTrue();
    assertThat(deleted.get("removed_models").asInt()).isEqualTo(1);
    assertThat(deleted.get("removed_results").asInt()).isEqualTo(2);
    assertThat(api.get("/api/v1/models?job_id=" + job.id()).expect(200).json().get("items"))
        .isEmpty();
    assertThat(api.get("/api/v1/models?job_id=" + other.id()).expect(200).json().get("items"))
        .hasSize(1);
    JsonNode plain = api.delete("/api/v1/jobs/" + other.id()).expect(200).json();
    assertThat(plain.get("removed_models").asInt()).isEqualTo(1);
    assertThat(plain.get("removed_results").asInt()).isZero();
  }

  @Test
  void flush_counts_the_model_and_result_records_it_removed() {
    Api user = newUser("parallel");
    Job first = user.submit("{\"command\":[\"true\"]}");
    user.awaitStatus(first.id(), SUCCEEDED, TIMEOUT);
    Job second = user.submit("{\"command\":[\"true\"]}");
    user.awaitStatus(second.id(), SUCCEEDED, TIMEOUT);
    Records.add(service.server(), first, 1, 1);
    Records.add(service.server(), second, 2, 3);

    FlushOperation result = user.flushAndAwait("scope=all");

    assertThat(result.deleted()).isEqualTo(2);
    assertThat(result.removedModels()).isEqualTo(3);
    assertThat(result.removedResults()).isEqualTo(4);
    JsonNode raw = user.get("/api/v1/operations/" + result.id()).expect(200).json();
    assertThat(raw.get("removed_models").asInt()).isEqualTo(3);
    assertThat(raw.get("removed_results").asInt()).isEqualTo(4);
  }

  @Test
  void delete_with_purge_artifacts_false_keeps_the_files() {
    Job job = api.submitShell("echo kept; echo result > \"$JOBKIT_OUTPUT_DIR/out.txt\"");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    api.delete("/api/v1/jobs/" + job.id() + "?purge_artifacts=false").expect(200);

    api.get("/api/v1/jobs/" + job.id()).expect(404);
    assertThat(service.server().jobDir(job.id()).resolve("output/out.txt")).hasContent("result");
    assertThat(service.server().jobDir(job.id()).resolve("logs/pod-0.log")).hasContent("kept");
  }

  @Test
  void a_dry_run_flush_lists_exactly_the_jobs_it_would_hit_and_changes_nothing() {
    Api user = newUser("serial");
    Job ended = user.submit("{\"command\":[\"true\"]}");
    user.awaitStatus(ended.id(), SUCCEEDED, TIMEOUT);
    Job running = runningSleeper(user);
    Job queued = user.submit("{\"command\":[\"true\"]}");
    api.submit("{\"command\":[\"true\"]}"); // the class user's: never part of this user's flush

    FlushResult active =
        user.post("/api/v1/jobs/flush?scope=active&dry_run=true", "")
            .expect(200)
            .as(FlushResult.class);
    FlushResult all =
        user.post("/api/v1/jobs/flush?scope=all&dry_run=true", "")
            .expect(200)
            .as(FlushResult.class);

    assertThat(active.dryRun()).isTrue();
    assertThat(active.jobIds()).containsExactlyInAnyOrder(running.id(), queued.id());
    assertThat(active.matched()).isEqualTo(2);
    assertThat(active.stopped()).isZero();
    assertThat(active.deleted()).isZero();
    assertThat(all.jobIds()).containsExactlyInAnyOrder(ended.id(), running.id(), queued.id());
    // The preview names the same jobs, in the same order (newest first), as a person would.
    assertThat(all.preview()).extracting(JobSummary::id).containsExactlyElementsOf(all.jobIds());
    assertThat(all.preview())
        .filteredOn(j -> j.id().equals(running.id()))
        .singleElement()
        .satisfies(
            j -> {
              assertThat(j.displayName()).isEqualTo("sleep 300");
              assertThat(j.owner()).isEqualTo(user.job(running.id()).owner());
              assertThat(j.status()).isEqualTo(RUNNING);
            });
    assertThat(active.preview())
        .extracting(JobSummary::id)
        .containsExactlyElementsOf(active.jobIds());
    assertThat(user.job(ended.id()).status()).isEqualTo(SUCCEEDED);
    assertThat(user.job(running.id()).status()).isEqualTo(RUNNING);
    assertThat(user.job(queued.id()).status()).isEqualTo(QUEUED);
    assertThat(Processes.ofJob(running.id())).isNotEmpty();

    user.flushAndAwait("scope=all");
  }

  @Test
  void a_dry_run_flush_previews_the_first_ten_jobs_by_name_and_counts_them_all() {
    Api user = newUser("serial");
    StringBuilder batch = new StringBuilder("{\"jobs\":[");
    for (int i = 0; i < 12; i++) {
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"command\":[\"true\"],\"display_name\":\"n" + i + "\"}");
    }
    user.post("/api/v1/jobs/batch", batch.append("]}").toString()).expect(201);

    FlushResult dry =
        user.post("/api/v1/jobs/flush?scope=all&dry_run=true", "")
            .expect(200)
            .as(FlushResult.class);
    JsonNode raw = user.post("/api/v1/jobs/flush?scope=all&dry_run=true", "").expect(200).json();

    assertThat(dry.matched()).isEqualTo(12);
    assertThat(dry.jobIds()).hasSize(12);
    assertThat(dry.preview()).hasSize(FlushResult.PREVIEW_SIZE);
    assertThat(dry.preview())
        .extracting(JobSummary::id)
        .containsExactlyElementsOf(dry.jobIds().subList(0, FlushResult.PREVIEW_SIZE));
    assertThat(dry.preview())
        .extracting(JobSummary::displayName)
        .contains("n11")
        .doesNotContain("n0");
    assertThat(raw.get("preview").get(0).propertyNames())
        .containsExactlyInAnyOrder("id", "display_name", "owner", "status");

    user.flushAndAwait("scope=all");
  }

  @Test
  void flush_of_active_jobs_stops_and_removes_running_and_queued_jobs_and_leaves_ended_ones() {
    Api user = newUser("serial");
    Job ended = user.submit("{\"command\":[\"true\"]}");
    user.awaitStatus(ended.id(), SUCCEEDED, TIMEOUT);
    Job running = runningSleeper(user);
    Job queued = user.submit("{\"command\":[\"true\"]}");

    FlushOperation result = user.flushAndAwait("scope=active");

    assertThat(result.status()).isEqualTo(FlushOperation.Status.SUCCEEDED);
    assertThat(result.matched()).isEqualTo(2);
    assertThat(result.preview())
        .extracting(JobSummary::id)
        .containsExactlyInAnyOrder(running.id(), queued.id());
    assertThat(result.stopped()).isEqualTo(2);
    assertThat(result.deleted()).isEqualTo(2);
    assertThat(result.skipped()).isEmpty();
    user.get("/api/v1/jobs/" + running.id()).expect(404);
    user.get("/api/v1/jobs/" + queued.id()).expect(404);
    assertThat(user.job(ended.id()).status()).isEqualTo(SUCCEEDED);
    assertThat(Processes.ofJob(running.id())).isEmpty();
    assertThat(service.server().jobDir(running.id())).doesNotExist();
  }

  @Test
  void flush_of_all_jobs_removes_every_job_of_the_user() {
    Api user = newUser("parallel");
    Job ended = user.submit("{\"command\":[\"true\"]}");
    user.awaitStatus(ended.id(), SUCCEEDED, TIMEOUT);
    Job failed = user.submit("{\"command\":[\"false\"]}");
    user.awaitStatus(failed.id(), JobStatus.FAILED, TIMEOUT);
    Job running = runningSleeper(user);
    Job bystander = api.submit("{\"command\":[\"true\"]}"); // the class user's

    FlushOperation result = user.flushAndAwait("scope=all");

    assertThat(result.preview())
        .extracting(JobSummary::id)
        .containsExactlyInAnyOrder(ended.id(), failed.id(), running.id());
    assertThat(result.deleted()).isEqualTo(3);
    assertThat(result.skipped()).isEmpty();
    assertThat(user.get("/api/v1/jobs?owner=me").expect(200).json().get("items").size()).isZero();
    assertThat(Processes.ofJob(running.id())).isEmpty();
    api.get("/api/v1/jobs/" + bystander.id()).expect(200);
  }

  @Test
  void flush_with_an_unknown_scope_is_a_validation_error() {
    Api.Response bad = api.post("/api/v1/jobs/flush?scope=everything", "").expect(400);
    Api.Response missing = api.post("/api/v1/jobs/flush", "").expect(400);

    assertThat(bad.json().get("code").asString()).isEqualTo("validation_failed");
    assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("scope");
    assertThat(missing.json().get("code").asString()).isEqualTo("validation_failed");
  }
}
