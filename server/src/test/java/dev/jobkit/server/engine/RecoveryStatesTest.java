package dev.jobkit.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.lifecycle.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * After a restart every active job has exactly one way on: the dispatcher takes the claimable ones,
 * the parents' settling the waiting ones, and {@link Recovery} the ones a worker held. Its list is
 * the lifecycle table's in-flight set.
 */
class RecoveryStatesTest {

  @Test
  void recovery_takes_exactly_the_states_the_lifecycle_table_calls_in_flight() {
    for (JobStatus status : JobStatus.values()) {
      assertThat(Recovery.IN_FLIGHT.contains(status))
          .as("%s", status)
          .isEqualTo(status.isInFlight());
    }
  }

  /** A job lost in a state the lifecycle has no timeout from must not stop the service's start. */
  @ParameterizedTest
  @EnumSource(
      value = JobStatus.class,
      names = {"STAGED_IN", "PREPROCESSED", "RUNNING", "RUN_DONE", "POSTPROCESSED", "STAGED_OUT"})
  void an_attempt_lost_in_any_launched_phase_ends_by_a_move_the_lifecycle_allows(JobStatus status) {
    JobStatus outcome = Recovery.lostOutcome(status);
    assertThat(status.canTransitionTo(outcome)).as("%s -> %s", status, outcome).isTrue();
    assertThat(outcome).isIn(JobStatus.RUN_TIMEOUT, JobStatus.RUN_ERROR);
  }

  @ParameterizedTest
  @EnumSource(JobStatus.class)
  void every_active_state_is_picked_up_once_after_a_restart(JobStatus status) {
    int ways =
        (Recovery.IN_FLIGHT.contains(status) ? 1 : 0)
            + (status.isClaimable() ? 1 : 0)
            + (status == JobStatus.AWAITING_PARENTS ? 1 : 0);
    assertThat(ways).as("%s", status).isEqualTo(status.isActive() ? 1 : 0);
  }
}
