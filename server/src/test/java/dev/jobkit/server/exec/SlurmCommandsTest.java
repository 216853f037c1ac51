package dev.jobkit.server.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.server.exec.JobExecutor.LaunchFailedException;
import dev.jobkit.server.exec.SlurmCommands.JobState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the Slurm executor makes of Slurm's answers, and the batch scripts it writes. */
class SlurmCommandsTest {

  private static JobState state(String state, int status) {
    return new JobState(42, state, status, "None", "jobkit:job_x:1:0");
  }

  @Test
  void an_exit_status_is_the_code_or_128_plus_the_signal_as_a_shell_gives_it() {
    assertThat(state("COMPLETED", 0).exitCode()).isZero();
    assertThat(state("FAILED", 3 << 8).exitCode()).isEqualTo(3);
    assertThat(state("FAILED", 15).exitCode()).isEqualTo(143);
    assertThat(state("CANCELLED", 9).exitCode()).isEqualTo(137);
  }

  @Test
  void a_job_that_did_not_complete_never_counts_as_exit_code_0() {
    assertThat(state("CANCELLED", 0).exitCode()).isEqualTo(143);
    assertThat(state("NODE_FAIL", 0).exitCode()).isEqualTo(1);
    assertThat(state("FAILED", 0).exitCode()).isEqualTo(1);
  }

  @Test
  void only_slurms_end_states_are_ends_and_completing_is_not_one() {
    assertThat(state("COMPLETED", 0).ended()).isTrue();
    assertThat(state("OUT_OF_MEMORY", 0).ended()).isTrue();
    assertThat(state("COMPLETING", 0).ended()).isFalse();
    assertThat(state("PENDING", 0).ended()).isFalse();
    assertThat(state("SOME_STATE_OF_A_LATER_SLURM", 0).ended()).isFalse();
  }

  @Test
  void an_end_other_than_the_commands_own_exit_is_unusual() {
    assertThat(state("COMPLETED", 0).unusual()).isFalse();
    assertThat(new JobState(1, "FAILED", 768, "NonZeroExitCode", "n").unusual()).isFalse();
    assertThat(new JobState(1, "FAILED", 0, "JobLaunchFailure", "n").unusual()).isTrue();
    assertThat(new JobState(1, "NODE_FAIL", 0, "NodeDown", "n").unusual()).isTrue();
  }

  @Test
  void the_batch_script_gives_the_command_exactly_the_values_it_was_given() throws Exception {
    String tricky = "it's $HOME `id` \"quoted\" \\ back\nsecond line";
    String script =
        SlurmCommands.batchScript(
            "jobkit:job_x:1:0",
            Map.of("TRICKY", tricky, "PLAIN", "1"),
            List.of("/bin/sh", "-c", "printf '%s|%s' \"$TRICKY\" \"$1\"", "arg0", "it's $1"));

    assertThat(script).startsWith("#!/bin/sh\n# jobkit:job_x:1:0\n");
    assertThat(runWithSh(script)).isEqualTo(tricky + "|it's $1");
  }

  @Test
  void a_variable_name_a_shell_cannot_export_fails_the_launch() {
    assertThatThrownBy(
            () -> SlurmCommands.batchScript("n", Map.of("BAD-NAME", "x"), List.of("/bin/true")))
        .isInstanceOf(LaunchFailedException.class)
        .hasMessageContaining("BAD-NAME");
  }

  /** Runs a script as sbatch's batch step would, with /bin/sh reading it; its output. */
  private static String runWithSh(String script) throws IOException, InterruptedException {
    Process sh = new ProcessBuilder("/bin/sh", "-s").redirectErrorStream(true).start();
    try (OutputStream in = sh.getOutputStream()) {
      in.write(script.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(sh.waitFor()).isZero();
    return out;
  }
}
