package dev.jobkit.shell.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How the shell says what an event changed, in `job events`, `job watch` and `--wait`. */
class EventsTest {

  private static final Instant AT = Instant.parse("2026-11-23T20:00:00Z");

  private static JobEvent event(
      EventKind kind, JobStatus from, JobStatus to, String reason, String old, String now) {
    return new JobEvent(7, "job_1", kind, from, to, AT, "alice", ActorKind.AGENT, reason, old, now);
  }

  @Test
  void a_transition_shows_from_and_to_with_its_reason() {
    JobEvent e =
        event(EventKind.TRANSITION, JobStatus.RUNNING, JobStatus.CANCELED, "stopped", null, null);

    assertThat(Events.change(e, Style.plain())).isEqualTo("RUNNING -> CANCELED");
    assertThat(Events.reason(e)).isEqualTo("stopped");
  }

  @Test
  void a_submission_shows_as_submitted() {
    JobEvent e = event(null, null, JobStatus.QUEUED, null, null, null);

    assertThat(Events.change(e, Style.plain())).isEqualTo("submitted -> QUEUED");
    assertThat(Events.reason(e)).isEmpty();
  }

  @Test
  void a_rename_shows_both_names_quoted_and_no_reason_besides() {
    JobEvent e =
        event(
            EventKind.RENAMED,
            JobStatus.RUNNING,
            JobStatus.RUNNING,
            "renamed from \"prod-db-migration\" to \"tmp\"",
            "prod-db-migration",
            "tmp-scratch-test");

    assertThat(Events.change(e, Style.plain()))
        .isEqualTo("renamed \"prod-db-migration\" → \"tmp-scratch-test\"");
    assertThat(Events.reason(e)).isEmpty();
  }

  @Test
  void a_hostile_new_name_stays_on_its_line_and_inside_its_quotes() {
    JobEvent e =
        event(
            EventKind.RENAMED,
            JobStatus.RUNNING,
            JobStatus.RUNNING,
            null,
            "a",
            "b\" → \"c\"\n  20:00:01  RUNNING -> SUCCEEDED\u001B[2K");

    assertThat(Events.change(e, Style.plain()))
        .isEqualTo("renamed \"a\" → \"b' → 'c' 20:00:01 RUNNING -> SUCCEEDED [2K\"");
  }

  @Test
  void a_change_of_visibility_shows_the_old_and_the_new_value() {
    JobEvent e =
        event(
            EventKind.ACCESSIBILITY_CHANGED,
            JobStatus.QUEUED,
            JobStatus.QUEUED,
            "accessibility changed from PRIVATE to PUBLIC",
            "PRIVATE",
            "PUBLIC");

    assertThat(Events.change(e, Style.plain())).isEqualTo("accessibility PRIVATE → PUBLIC");
  }

  @Test
  void a_workers_acknowledgement_names_the_worker() {
    JobEvent e =
        new JobEvent(
            8,
            "job_1",
            EventKind.ACKNOWLEDGED,
            JobStatus.CLAIMED,
            JobStatus.CLAIMED,
            AT,
            "wkr_01abc",
            ActorKind.WORKER,
            "worker wkr_01abc has the job and will run it",
            null,
            null);

    assertThat(Events.change(e, Style.plain())).isEqualTo("acknowledged by wkr_01abc");
    assertThat(Events.reason(e)).isEmpty();
  }

  @Test
  void a_terminal_session_shows_its_reason_which_names_the_pod_and_the_user() {
    JobEvent e =
        new JobEvent(
            9,
            "job_1",
            EventKind.TERMINAL_OPENED,
            JobStatus.RUNNING,
            JobStatus.RUNNING,
            AT,
            "alice",
            ActorKind.USER,
            "terminal on pod 0 opened by alice",
            null,
            null);

    assertThat(Events.change(e, Style.plain())).isEqualTo("terminal on pod 0 opened by alice");
    assertThat(Events.reason(e)).isEmpty();
  }
}
