package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobSummaryTest {

  @Test
  void the_slots_are_read_from_the_services_prometheus_metrics() {
    String metrics =
        "# HELP jobkit_executor_slots pods that may run at once\n"
            + "# TYPE jobkit_executor_slots gauge\n"
            + "jobkit_executor_slots 8.0\n"
            + "jobkit_executor_slots_used{application=\"jobkit\"} 3.0\n"
            + "jobkit_streams_open 2.0\n";

    assertThat(JobSummaryCommands.slotsOf(metrics))
        .hasValueSatisfying(s -> assertThat(s).containsExactly(8, 3));
  }

  @Test
  void metrics_without_the_slots_give_none() {
    assertThat(JobSummaryCommands.slotsOf("jobkit_streams_open 2.0\n")).isEqualTo(Optional.empty());
  }
}
