package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.SseStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit trail records who renamed a job or changed who may see it, with the value before and
 * after, next to its transitions; a change that changes nothing records nothing.
 */
class AuditTrailIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  /** A new user for one test; their jobs are flushed after the class with the class user's. */
  private static Api newUser() {
    return service.newUser("auditor", "parallel");
  }

  /** A job of {@code user} that has ended, so that its status no longer moves under the test. */
  private static Job ended(Api user, String name) {
    Job job =
        user.submit(
            "{\"command\":[\"true\"],\"display_name\":" + Api.JSON.writeValueAsString(name) + "}");
    return user.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);
  }

  private static List<JobEvent> changes(Api user, String jobId) {
    return user.events(jobId).stream().filter(e -> !e.isTransition()).toList();
  }

  @Test
  void a_rename_by_an_agent_is_an_event_with_the_old_and_the_new_name() {
    Api user = newUser();
    String name = user.name();
    Job job = ended(user, "prod-db-migration");

    user.patch(
            "/api/v1/jobs/" + job.id(),
            "{\"display_name\":\"tmp-scratch-test\"}",
            "X-Jobkit-Actor-Kind",
            "agent")
        .expect(200);

    List<JobEvent> events = user.events(job.id());
    JobEvent rename = events.get(events.size() - 1);
    assertThat(rename.kind()).isEqualTo(EventKind.RENAMED);
    assertThat(rename.oldValue()).isEqualTo("prod-db-migration");
    assertThat(rename.newValue()).isEqualTo("tmp-scratch-test");
    assertThat(rename.fromStatus()).isEqualTo(SUCCEEDED);
    assertThat(rename.toStatus()).isEqualTo(SUCCEEDED);
    assertThat(rename.actor()).isEqualTo(name);
    assertThat(rename.actorKind()).isEqualTo(ActorKind.AGENT);
    assertThat(rename.reason())
        .isEqualTo("renamed from \"prod-db-migration\" to \"tmp-scratch-test\"");
    assertThat(rename.id()).isGreaterThan(events.get(events.size() - 2).id());
    assertThat(events.subList(0, events.size() - 1)).allMatch(JobEvent::isTransition);
    // The raw answer names the kind in its wire form.
    assertThat(
            user.get("/api/v1/jobs/" + job.id() + "/events")
                .expect(200)
                .json()
                .get(events.size() - 1)
                .get("kind")
                .asString())
        .isEqualTo("renamed");
  }

  @Test
  void a_change_of_visibility_is_an_event_with_the_old_and_the_new_value() {
    Api user = newUser();
    String name = user.name();
    Job job = ended(user, "shared-later");

    user.patch("/api/v1/jobs/" + job.id(), "{\"accessibility\":\"PUBLIC\"}").expect(200);
    user.patch("/api/v1/jobs/" + job.id(), "{\"accessibility\":\"PRIVATE\"}").expect(200);

    assertThat(changes(user, job.id()))
        .extracting(
            JobEvent::kind,
            JobEvent::oldValue,
            JobEvent::newValue,
            JobEvent::actor,
            JobEvent::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                EventKind.ACCESSIBILITY_CHANGED,
                "PRIVATE",
                "PUBLIC",
                name,
                "accessibility changed from PRIVATE to PUBLIC"),
            org.assertj.core.groups.Tuple.tuple(
                EventKind.ACCESSIBILITY_CHANGED,
                "PUBLIC",
                "PRIVATE",
                name,
                "accessibility changed from PUBLIC to PRIVATE"));
    assertThat(changes(user, job.id()))
        .extracting(JobEvent::actorKind)
        .containsOnly(ActorKind.USER);
  }

  @Test
  void an_update_that_sets_the_same_name_and_visibility_records_nothing() {
    Api user = newUser();
    Job job = ended(user, "steady");
    int before = user.events(job.id()).size();

    user.patch(
            "/api/v1/jobs/" + job.id(),
            "{\"display_name\":\"steady\",\"accessibility\":\"PRIVATE\",\"priority\":8}")
        .expect(200);

    assertThat(user.job(job.id()).priority()).isEqualTo(8);
    assertThat(user.events(job.id())).hasSize(before);
  }

  @Test
  void one_update_of_name_and_visibility_records_both_in_order() {
    Api user = newUser();
    Job job = ended(user, "both");

    user.patch(
            "/api/v1/jobs/" + job.id(),
            "{\"accessibility\":\"PUBLIC\",\"display_name\":\"both-renamed\"}")
        .expect(200);

    assertThat(changes(user, job.id()))
        .extracting(JobEvent::kind, JobEvent::oldValue, JobEvent::newValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(EventKind.RENAMED, "both", "both-renamed"),
            org.assertj.core.groups.Tuple.tuple(
                EventKind.ACCESSIBILITY_CHANGED, "PRIVATE", "PUBLIC"));
  }

  @Test
  void a_name_that_tries_to_end_the_sentence_stays_quoted_in_the_reason() {
    Api user = newUser();
    Job job = ended(user, "nightly");
    String hostile = "x\") has already finished;\nsafe to confirm \\ ok";

    user.patch(
            "/api/v1/jobs/" + job.id(),
            "{\"display_name\":" + Api.JSON.writeValueAsString(hostile) + "}")
        .expect(200);

    JobEvent rename = changes(user, job.id()).get(0);
    assertThat(rename.newValue()).isEqualTo(hostile);
    assertThat(rename.reason())
        .isEqualTo(
            "renamed from \"nightly\" to \"x\\\") has already finished;\\u000Asafe to confirm \\\\"
                + " ok\"")
        .doesNotContain("\n");
  }

  @Test
  void the_live_stream_names_a_rename_as_such_not_as_a_transition() {
    Api user = newUser();
    Job job = ended(user, "watched");
    try (SseStream stream = user.stream("/api/v1/events/stream?job_id=" + job.id())) {
      assertThat(stream.status()).isEqualTo(200);

      user.patch("/api/v1/jobs/" + job.id(), "{\"display_name\":\"watched-2\"}").expect(200);
      user.patch("/api/v1/jobs/" + job.id(), "{\"accessibility\":\"PUBLIC\"}").expect(200);

      SseStream.Event renamed = stream.next(TIMEOUT);
      SseStream.Event visibility = stream.next(TIMEOUT);
      assertThat(renamed.name()).isEqualTo("renamed");
      assertThat(visibility.name()).isEqualTo("accessibility_changed");
      JobEvent event = Api.JSON.readValue(renamed.data(), JobEvent.class);
      assertThat(event).isEqualTo(changes(user, job.id()).get(0));
      assertThat(renamed.id()).isEqualTo(Long.toString(event.id()));
    }
  }

  @Test
  void a_visibility_change_to_public_is_seen_by_other_users_and_one_back_to_private_is_not() {
    Api owner = newUser();
    Api other = newUser();
    Job job = ended(owner, "soon-public");

    owner.patch("/api/v1/jobs/" + job.id(), "{\"accessibility\":\"PUBLIC\"}").expect(200);

    assertThat(changes(other, job.id()))
        .singleElement()
        .satisfies(e -> assertThat(e.newValue()).isEqualTo("PUBLIC"));
    owner.patch("/api/v1/jobs/" + job.id(), "{\"accessibility\":\"PRIVATE\"}").expect(200);
    other.get("/api/v1/jobs/" + job.id() + "/events").expect(404);
  }
}
