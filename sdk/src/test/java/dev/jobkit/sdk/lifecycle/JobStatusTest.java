package dev.jobkit.sdk.lifecycle;

import static dev.jobkit.sdk.lifecycle.JobStatus.AWAITING_PARENTS;
import static dev.jobkit.sdk.lifecycle.JobStatus.CANCELED;
import static dev.jobkit.sdk.lifecycle.JobStatus.CANCEL_REQUESTED;
import static dev.jobkit.sdk.lifecycle.JobStatus.CLAIMED;
import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.POSTPROCESSED;
import static dev.jobkit.sdk.lifecycle.JobStatus.PREPROCESSED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RESTART_READY;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_DONE;
import static dev.jobkit.sdk.lifecycle.JobStatus.STAGED_IN;
import static dev.jobkit.sdk.lifecycle.JobStatus.STAGED_OUT;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The states of a job, their aliases and the transitions between them, as DESIGN.md states them.
 */
class JobStatusTest {

  /** The successful flow of the design, in order. */
  private static final List<JobStatus> FLOW =
      List.of(
          AWAITING_PARENTS,
          QUEUED,
          CLAIMED,
          STAGED_IN,
          PREPROCESSED,
          RUNNING,
          RUN_DONE,
          POSTPROCESSED,
          STAGED_OUT,
          SUCCEEDED);

  private static final Set<JobStatus> TERMINAL = EnumSet.of(SUCCEEDED, FAILED, CANCELED);

  // ---- aliases ----

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "pending, QUEUED",
    "Queuing, QUEUED",
    "queued, QUEUED",
    "READY, QUEUED",
    "CREATED, QUEUED",
    "RESET, QUEUED",
    "assigned, CLAIMED",
    "claimed, CLAIMED",
    "running, RUNNING",
    "Running, RUNNING",
    "completed, SUCCEEDED",
    "success, SUCCEEDED",
    "Succeeded, SUCCEEDED",
    "JOB_FINISHED, SUCCEEDED",
    "failed, FAILED",
    "Failed, FAILED",
    "canceled, CANCELED",
    "cancelled, CANCELED",
    "Stopped, CANCELED",
    "USER_KILLED, CANCELED",
    "canceling, CANCEL_REQUESTED",
    "cancel_requested, CANCEL_REQUESTED",
    "Stopping, CANCEL_REQUESTED"
  })
  void every_alias_of_the_design_parses_to_its_status(String alias, JobStatus expected) {
    assertThat(JobStatus.parse(alias)).isEqualTo(expected);
    assertThat(JobStatus.parse(alias.toLowerCase(Locale.ROOT))).isEqualTo(expected);
    assertThat(JobStatus.parse(alias.toUpperCase(Locale.ROOT))).isEqualTo(expected);
    assertThat(JobStatus.parse(swapCase(alias))).isEqualTo(expected);
    assertThat(JobStatus.parse("  " + alias + "\t")).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(JobStatus.class)
  void every_status_name_parses_to_itself_in_any_case(JobStatus status) {
    assertThat(JobStatus.parse(status.name())).isEqualTo(status);
    assertThat(JobStatus.parse(status.name().toLowerCase(Locale.ROOT))).isEqualTo(status);
    assertThat(JobStatus.parse(swapCase(status.name()))).isEqualTo(status);
  }

  @Test
  void the_alias_table_holds_the_names_and_the_design_aliases_and_nothing_else() {
    Set<String> expected =
        Arrays.stream(JobStatus.values())
            .map(s -> s.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.toSet());
    expected.addAll(
        List.of(
            "pending",
            "queuing",
            "queued",
            "ready",
            "created",
            "reset",
            "assigned",
            "claimed",
            "running",
            "completed",
            "success",
            "succeeded",
            "job_finished",
            "failed",
            "canceled",
            "cancelled",
            "stopped",
            "user_killed",
            "canceling",
            "cancel_requested",
            "stopping"));

    assertThat(JobStatus.aliases().keySet()).containsExactlyInAnyOrderElementsOf(expected);
    JobStatus.aliases()
        .forEach((alias, status) -> assertThat(JobStatus.parse(alias)).isEqualTo(status));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "   ", "bogus", "cancel", "done", "QUEUED_", "run ning"})
  void unknown_blank_or_null_text_is_rejected_with_a_message_listing_the_valid_names(String text) {
    assertThatThrownBy(() -> JobStatus.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .contains(Arrays.stream(JobStatus.values()).map(Enum::name).toList());
  }

  // ---- terminal and active ----

  @ParameterizedTest(name = "{0}: terminal={1}")
  @CsvSource({
    "AWAITING_PARENTS, false",
    "QUEUED, false",
    "CLAIMED, false",
    "STAGED_IN, false",
    "PREPROCESSED, false",
    "RUNNING, false",
    "RUN_DONE, false",
    "POSTPROCESSED, false",
    "STAGED_OUT, false",
    "SUCCEEDED, true",
    "RUN_ERROR, false",
    "RUN_TIMEOUT, false",
    "RESTART_READY, false",
    "CANCEL_REQUESTED, false",
    "FAILED, true",
    "CANCELED, true"
  })
  void only_succeeded_failed_and_canceled_are_terminal_and_every_other_state_is_active(
      JobStatus status, boolean terminal) {
    assertThat(status.isTerminal()).isEqualTo(terminal);
    assertThat(status.isActive()).isEqualTo(!terminal);
  }

  // ---- transitions ----

  @Test
  void a_plain_command_job_goes_queued_claimed_running_succeeded() {
    assertThat(QUEUED.canTransitionTo(CLAIMED)).isTrue();
    assertThat(CLAIMED.canTransitionTo(RUNNING)).isTrue();
    assertThat(RUNNING.canTransitionTo(SUCCEEDED)).isTrue();
  }

  @Test
  void every_step_of_the_full_successful_flow_is_allowed() {
    for (int i = 0; i + 1 < FLOW.size(); i++) {
      assertThat(FLOW.get(i).canTransitionTo(FLOW.get(i + 1)))
          .as("%s -> %s", FLOW.get(i), FLOW.get(i + 1))
          .isTrue();
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "CLAIMED, STAGED_IN",
    "CLAIMED, PREPROCESSED",
    "CLAIMED, RUNNING",
    "STAGED_IN, RUNNING",
    "RUNNING, RUN_DONE",
    "RUNNING, POSTPROCESSED",
    "RUNNING, STAGED_OUT",
    "RUNNING, SUCCEEDED",
    "RUN_DONE, STAGED_OUT",
    "RUN_DONE, SUCCEEDED",
    "POSTPROCESSED, SUCCEEDED"
  })
  void a_phase_with_nothing_to_do_may_be_skipped_forward(JobStatus from, JobStatus to) {
    assertThat(from.canTransitionTo(to)).isTrue();
  }

  @ParameterizedTest(name = "{0} -/-> {1}")
  @CsvSource({
    "AWAITING_PARENTS, CLAIMED",
    "AWAITING_PARENTS, RUNNING",
    "QUEUED, STAGED_IN",
    "QUEUED, RUNNING",
    "QUEUED, SUCCEEDED",
    "CLAIMED, RUN_DONE",
    "CLAIMED, SUCCEEDED",
    "STAGED_IN, STAGED_OUT",
    "PREPROCESSED, SUCCEEDED"
  })
  void nothing_skips_the_queue_the_claim_or_the_run_itself(JobStatus from, JobStatus to) {
    assertThat(from.canTransitionTo(to)).isFalse();
  }

  @Test
  void a_succeeded_job_never_runs_again() {
    assertThat(SUCCEEDED.canTransitionTo(RUNNING)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(
      value = JobStatus.class,
      names = {"SUCCEEDED", "FAILED", "CANCELED"})
  void a_terminal_state_has_no_next_state(JobStatus terminal) {
    assertThat(terminal.nextStates()).isEmpty();
    for (JobStatus any : JobStatus.values()) {
      assertThat(terminal.canTransitionTo(any)).as("%s -> %s", terminal, any).isFalse();
    }
  }

  @Test
  void a_job_awaiting_parents_is_queued_when_they_succeed_or_fails_when_one_does_not() {
    assertThat(AWAITING_PARENTS.nextStates()).containsExactlyInAnyOrder(QUEUED, FAILED, CANCELED);
  }

  @ParameterizedTest
  @EnumSource(
      value = JobStatus.class,
      names = {"RUN_ERROR", "RUN_TIMEOUT"})
  void an_error_or_a_timeout_leads_to_a_restart_or_to_failure(JobStatus status) {
    assertThat(status.canTransitionTo(RESTART_READY)).isTrue();
    assertThat(status.canTransitionTo(FAILED)).isTrue();
    assertThat(status.canTransitionTo(RUNNING)).isFalse();
    assertThat(status.canTransitionTo(SUCCEEDED)).isFalse();
    assertThat(status.nextStates()).containsExactlyInAnyOrder(RESTART_READY, FAILED, CANCELED);
  }

  @Test
  void a_job_ready_to_restart_goes_back_to_the_queue() {
    assertThat(RESTART_READY.canTransitionTo(QUEUED)).isTrue();
    assertThat(RESTART_READY.canTransitionTo(RUNNING)).isFalse();
    assertThat(RESTART_READY.canTransitionTo(SUCCEEDED)).isFalse();
  }

  @Test
  void a_requested_cancel_can_only_end_canceled() {
    assertThat(CANCEL_REQUESTED.nextStates()).containsExactly(CANCELED);
  }

  @ParameterizedTest
  @EnumSource(
      value = JobStatus.class,
      names = {"SUCCEEDED", "FAILED", "CANCELED"},
      mode = EnumSource.Mode.EXCLUDE)
  void every_non_terminal_state_can_be_canceled_directly_or_through_cancel_requested(
      JobStatus status) {
    boolean direct = status.canTransitionTo(CANCELED);
    boolean viaRequest =
        status.canTransitionTo(CANCEL_REQUESTED) && CANCEL_REQUESTED.canTransitionTo(CANCELED);
    assertThat(direct || viaRequest).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = JobStatus.class,
      names = {"RUNNING", "RUN_DONE", "POSTPROCESSED", "STAGED_OUT"})
  void a_launched_job_is_stopped_through_cancel_requested_or_at_once_when_its_processes_are_gone(
      JobStatus launched) {
    assertThat(launched.canTransitionTo(CANCEL_REQUESTED)).isTrue();
    assertThat(launched.canTransitionTo(CANCELED)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = JobStatus.class,
      names = {
        "AWAITING_PARENTS",
        "QUEUED",
        "CLAIMED",
        "STAGED_IN",
        "PREPROCESSED",
        "RUN_ERROR",
        "RUN_TIMEOUT",
        "RESTART_READY"
      })
  void a_job_not_yet_launched_is_canceled_at_once(JobStatus notLaunched) {
    assertThat(notLaunched.canTransitionTo(CANCELED)).isTrue();
    assertThat(notLaunched.canTransitionTo(CANCEL_REQUESTED)).isFalse();
  }

  @Test
  void the_successful_flow_never_moves_backward_except_a_released_claim() {
    for (int later = 0; later < FLOW.size(); later++) {
      for (int earlier = 0; earlier <= later; earlier++) {
        JobStatus from = FLOW.get(later);
        JobStatus to = FLOW.get(earlier);
        boolean releasedClaim = from == CLAIMED && to == QUEUED;
        assertThat(from.canTransitionTo(to)).as("%s -> %s", from, to).isEqualTo(releasedClaim);
      }
    }
  }

  @Test
  void every_state_is_reachable_from_a_new_job() {
    assertThat(reachableFrom(AWAITING_PARENTS)).isEqualTo(EnumSet.allOf(JobStatus.class));
    assertThat(reachableFrom(QUEUED)).isEqualTo(EnumSet.complementOf(EnumSet.of(AWAITING_PARENTS)));
  }

  @ParameterizedTest
  @EnumSource(JobStatus.class)
  void every_state_can_still_reach_an_end_state(JobStatus status) {
    assertThat(reachableFrom(status)).containsAnyElementsOf(TERMINAL);
  }

  @ParameterizedTest
  @EnumSource(JobStatus.class)
  void next_states_and_can_transition_to_agree_and_the_table_cannot_be_changed(JobStatus status) {
    for (JobStatus next : JobStatus.values()) {
      assertThat(status.canTransitionTo(next)).isEqualTo(status.nextStates().contains(next));
    }
    assertThat(status.nextStates()).doesNotContain(status);
    assertThatThrownBy(() -> status.nextStates().add(FAILED))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void a_job_is_in_flight_from_its_claim_until_it_ends_or_goes_back_to_the_queue() {
    // What the transition table lets a claimed job reach before it ends or is queued again.
    Set<JobStatus> held = EnumSet.of(CLAIMED);
    Deque<JobStatus> todo = new ArrayDeque<>(List.of(CLAIMED));
    while (!todo.isEmpty()) {
      for (JobStatus next : todo.pop().nextStates()) {
        if (!next.isTerminal() && !next.isClaimable() && held.add(next)) {
          todo.push(next);
        }
      }
    }

    assertThat(EnumSet.allOf(JobStatus.class).stream().filter(JobStatus::isInFlight))
        .containsExactlyInAnyOrderElementsOf(held)
        .containsExactlyInAnyOrder(
            CLAIMED,
            STAGED_IN,
            PREPROCESSED,
            RUNNING,
            RUN_DONE,
            POSTPROCESSED,
            STAGED_OUT,
            JobStatus.RUN_ERROR,
            JobStatus.RUN_TIMEOUT,
            CANCEL_REQUESTED);
  }

  @ParameterizedTest
  @EnumSource(JobStatus.class)
  void every_state_is_exactly_one_of_waiting_claimable_in_flight_or_ended(JobStatus status) {
    List<Boolean> kinds =
        List.of(
            status == AWAITING_PARENTS,
            status.isClaimable(),
            status.isInFlight(),
            status.isTerminal());
    assertThat(kinds.stream().filter(k -> k).count()).as("%s", status).isEqualTo(1);
  }

  private static Set<JobStatus> reachableFrom(JobStatus start) {
    Set<JobStatus> seen = EnumSet.of(start);
    Deque<JobStatus> todo = new ArrayDeque<>(List.of(start));
    while (!todo.isEmpty()) {
      for (JobStatus next : todo.pop().nextStates()) {
        if (seen.add(next)) {
          todo.push(next);
        }
      }
    }
    return seen;
  }

  private static String swapCase(String text) {
    StringBuilder swapped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      swapped.append(
          Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    return swapped.toString();
  }
}
