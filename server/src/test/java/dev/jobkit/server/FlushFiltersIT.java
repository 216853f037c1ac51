package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A flush takes the filters of a listing ({@code status}, {@code owner}, {@code tag}, {@code name},
 * {@code parent}, {@code created_after}, {@code created_before}), read by the same code: its dry
 * run lists what the listing lists (of the caller's jobs), a flush bound to that dry run's snapshot
 * hits exactly those, and one whose filters select other jobs by then (a job moved into the state
 * asked for, or was renamed into the name) is refused with nothing done.
 */
class FlushFiltersIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  /** A serial user of their own: one test's flush cannot reach another's jobs. */
  private static Api newUser() {
    return service.newUser("filtered", "serial");
  }

  private static Job submit(Api as, String name, String tag, String... command) {
    StringBuilder argv = new StringBuilder();
    for (String c : command) {
      argv.append(argv.isEmpty() ? "" : ",").append('"').append(c).append('"');
    }
    return as.submit(
        "{\"display_name\":\""
            + name
            + "\",\"tags\":{\"team\":\""
            + tag
            + "\"},\"command\":["
            + argv
            + "]}");
  }

  private static FlushResult dryRun(Api as, String query) {
    return as.post("/api/v1/jobs/flush?dry_run=true&" + query, "")
        .expect(200)
        .as(FlushResult.class);
  }

  private static List<String> listed(Api as, String query) {
    List<String> ids = new ArrayList<>();
    as.listAll(query).forEach(j -> ids.add(j.id()));
    return ids;
  }

  @Test
  void a_filtered_dry_run_lists_what_the_listing_lists_and_its_flush_hits_exactly_those() {
    Api user = newUser();
    String prefix = "sel-" + UUID.randomUUID().toString().substring(0, 6);
    Job failedX = submit(user, prefix + "-a", "x", "false");
    Job failedY = submit(user, prefix + "-b", "y", "false");
    Job succeeded = submit(user, prefix.toUpperCase() + "-c", "x", "true");
    Job other = submit(user, "other", "x", "false");
    for (Job j : List.of(failedX, failedY, succeeded, other)) {
      user.awaitEnd(j.id());
    }

    String filter = "status=failed&tag=team%3Dx&name=" + prefix;
    FlushResult dry = dryRun(user, "scope=all&owner=me&" + filter);

    assertThat(dry.jobIds()).containsExactly(failedX.id());
    assertThat(dry.jobIds()).isEqualTo(listed(user, "owner=me&" + filter));
    assertThat(dryRun(user, "scope=all&status=failed,completed&name=" + prefix).jobIds())
        .containsExactlyInAnyOrder(failedX.id(), failedY.id(), succeeded.id());
    assertThat(dryRun(user, "scope=all&status=failed&status=completed&tag=team%3Dx").jobIds())
        .containsExactlyInAnyOrder(failedX.id(), succeeded.id(), other.id());

    FlushOperation end = user.flushAndAwait("scope=all&" + filter + "&snapshot=" + dry.snapshot());

    assertThat(end.status()).isEqualTo(FlushOperation.Status.SUCCEEDED);
    assertThat(end.matched()).isEqualTo(1);
    assertThat(end.deleted()).isEqualTo(1);
    user.get("/api/v1/jobs/" + failedX.id()).expect(404);
    assertThat(user.job(failedY.id()).status()).isEqualTo(FAILED);
    assertThat(user.job(succeeded.id()).status()).isEqualTo(SUCCEEDED);
    assertThat(user.job(other.id()).status()).isEqualTo(FAILED);
    user.flushAndAwait("scope=all");
  }

  @Test
  void
      a_flush_whose_status_filter_selects_other_jobs_than_its_dry_run_is_refused_and_does_nothing() {
    Api user = newUser();
    Job first = submit(user, "first", "x", "sleep", "300");
    user.awaitStatus(first.id(), RUNNING);
    Job second = submit(user, "second", "x", "sleep", "300");
    assertThat(user.job(second.id()).status()).isEqualTo(QUEUED); // serial: behind the first
    FlushResult dry = dryRun(user, "scope=active&status=running");
    assertThat(dry.jobIds()).containsExactly(first.id());

    // The first ends; the second starts running, and so comes to match status=running.
    user.stopAndAwaitCanceled(first.id());
    user.awaitStatus(second.id(), RUNNING);
    Api.Response refused =
        user.post("/api/v1/jobs/flush?scope=active&status=running&snapshot=" + dry.snapshot(), "")
            .expect(409);

    assertThat(refused.json().get("code").asString()).isEqualTo("conflict");
    assertThat(refused.json().get("detail").asString())
        .contains("not the ones its dry run listed")
        .contains("nothing was flushed");
    assertThat(user.job(second.id()).status()).isEqualTo(RUNNING);
    FlushResult again = dryRun(user, "scope=active&status=running");
    assertThat(again.jobIds()).containsExactly(second.id());
    FlushOperation end =
        user.flushAndAwait("scope=active&status=running&snapshot=" + again.snapshot());
    assertThat(end.deleted()).isEqualTo(1);
    user.get("/api/v1/jobs/" + second.id()).expect(404);
  }

  @Test
  void a_job_renamed_into_a_flushs_name_filter_after_its_dry_run_makes_the_flush_refused() {
    Api user = newUser();
    Job job = submit(user, "keep-me", "x", "sleep", "300");
    user.awaitStatus(job.id(), RUNNING);
    String name = "doomed-" + UUID.randomUUID().toString().substring(0, 6);
    FlushResult dry = dryRun(user, "scope=active&name=" + name);
    assertThat(dry.jobIds()).isEmpty();

    user.patch("/api/v1/jobs/" + job.id(), "{\"display_name\":\"" + name + "\"}").expect(200);

    user.post("/api/v1/jobs/flush?scope=active&name=" + name + "&snapshot=" + dry.snapshot(), "")
        .expect(409);
    assertThat(user.job(job.id()).status()).isEqualTo(RUNNING);
    // Without a status or name filter the snapshot bounds positions only, as before.
    FlushResult unfiltered = dryRun(user, "scope=active&tag=team%3Dx");
    assertThat(unfiltered.jobIds()).containsExactly(job.id());
    assertThat(user.flushAndAwait("scope=active&snapshot=" + unfiltered.snapshot()).deleted())
        .isEqualTo(1);
  }

  @Test
  void filters_that_are_wrong_are_400_naming_each_and_an_idempotency_key_tells_filters_apart() {
    Api user = newUser();
    JsonNode errors =
        user.post("/api/v1/jobs/flush?status=bogus&tag=novalue&created_after=soon", "")
            .expect(400)
            .json()
            .get("errors");
    List<String> fields = new ArrayList<>();
    errors.forEach(e -> fields.add(e.get("field").asString()));
    assertThat(fields).containsExactlyInAnyOrder("scope", "status", "tag", "created_after");

    JsonNode ended =
        user.post("/api/v1/jobs/flush?scope=active&status=failed,running&dry_run=true", "")
            .expect(400)
            .json()
            .get("errors")
            .get(0);
    assertThat(ended.get("field").asString()).isEqualTo("status");
    assertThat(ended.get("reason").asString())
        .contains("FAILED is an ended state")
        .contains("scope=all");

    String key = UUID.randomUUID().toString();
    user.post("/api/v1/jobs/flush?scope=all&status=failed", "", "Idempotency-Key", key).expect(202);
    Api.Response other =
        user.post("/api/v1/jobs/flush?scope=all&status=succeeded", "", "Idempotency-Key", key)
            .expect(409);
    assertThat(other.json().get("detail").asString()).contains("with other parameters");
    // The same filter written otherwise (an alias, another order) is the same request.
    user.post("/api/v1/jobs/flush?scope=all&status=FAILED", "", "Idempotency-Key", key).expect(200);
  }
}
