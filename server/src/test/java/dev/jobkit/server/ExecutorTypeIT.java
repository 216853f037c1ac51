package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.server.support.JobkitServer;
import org.junit.jupiter.api.Test;

/**
 * {@code jobkit.executor.type} chooses what runs pods; a value it does not know stops the start.
 */
class ExecutorTypeIT {

  @Test
  void an_unknown_executor_type_stops_the_start_with_a_sentence_naming_the_setting() {
    assertThatThrownBy(() -> JobkitServer.start("--jobkit.executor.type=kubernetes").close())
        .rootCause()
        .hasMessage("jobkit.executor.type must be one of [local, slurm], not 'kubernetes'");
  }

  @Test
  void the_local_executor_is_the_default_and_can_be_named() {
    try (JobkitServer server = JobkitServer.start("--jobkit.executor.type=local")) {
      assertThat(server.bean(dev.jobkit.server.exec.JobExecutor.class).getClass().getSimpleName())
          .isEqualTo("LocalProcessExecutor");
    }
  }
}
