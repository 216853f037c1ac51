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
