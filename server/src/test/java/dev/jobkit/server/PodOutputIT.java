package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pod's output, which the service copies from a pipe into its log: the log stops at {@code
 * jobkit.executor.max-log-bytes-per-pod} (cut there with a line that says so, the rest discarded,
 * the job going on and its end saying so); a log under the limit is whole when the job ends; a
 * process that holds the pipe open does not hold up the job's end. On both ways pods start ({@code
 * posix_spawn} and the {@code setsid} command), each a service of the class's own with a 64 KB
 * limit.
 */
class PodOutputIT {

  private static final int LIMIT = 64 * 1024;
  private static final String CUT_LINE =
      "\n[jobkit] log cut at 65536 bytes: the limit jobkit.executor.max-log-bytes-per-pod was"
          + " reached; further output is discarded\n";

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension
  static final JobkitService spawn =
      JobkitService.own("--jobkit.executor.max-log-bytes-per-pod=64KB");

  @RegisterExtension
  static final JobkitService setsid =
      JobkitService.own(
          "--jobkit.executor.max-log-bytes-per-pod=64KB",
          "--jobkit.executor.use-setsid-command=true");

  private static JobkitService service(String launcher) {
    return launcher.equals("posix_spawn") ? spawn : setsid;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"posix_spawn", "setsid command"})
  void a_log_that_reaches_the_limit_is_cut_there_and_the_job_goes_on(String launcher)
      throws IOException {
    JobkitServer server = service(launcher).server();
    Api api = service(launcher).user();
    Job job =
        api.submitShell(
            "head -c 1048576 /dev/zero | tr '\\0' a; echo AFTER-THE-CUT >&2;"
                + " echo went on > \"$JOBKIT_OUTPUT_DIR/done\"");

    Job ended = api.awaitStatus(job.id(), JobStatus::isTerminal, TIMEOUT);

    assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(ended.statusReason())
        .isEqualTo(
            "the log of pod 0 was cut at 65536 bytes (jobkit.executor.max-log-bytes-per-pod)");
    assertThat(server.jobDir(job.id()).resolve("output/done")).hasContent("went on");
    byte[] log = Files.readAllBytes(server.jobDir(job.id()).resolve("logs/pod-0.log"));
    assertThat(log).hasSize(LIMIT + CUT_LINE.length());
    String text = new String(log, StandardCharsets.US_ASCII);
    assertThat(text.substring(0, LIMIT)).matches("a{" + LIMIT + "}");
    assertThat(text).endsWith(CUT_LINE).doesNotContain("AFTER-THE-CUT");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"posix_spawn", "setsid command"})
  void a_log_under_the_limit_is_whole_in_the_order_written_when_the_job_ends(String launcher)
      throws IOException {
    JobkitServer server = service(launcher).server();
    Api api = service(launcher).user();
    Job job =
        api.submitShell(
            "echo out; echo err >&2; head -c 60000 /dev/zero | tr '\\0' b; echo; echo last");

    Job ended = api.awaitStatus(job.id(), JobStatus::isTerminal, TIMEOUT);

    assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(ended.statusReason()).isNull();
    assertThat(Files.readString(server.jobDir(job.id()).resolve("logs/pod-0.log")))
        .isEqualTo("out\nerr\n" + "b".repeat(60000) + "\nlast\n");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"posix_spawn", "setsid command"})
  void a_job_ends_when_its_main_process_exits_though_a_child_holds_its_output(String launcher)
      throws IOException {
    JobkitServer server = service(launcher).server();
    Api api = service(launcher).user();
    Job job = api.submitShell("sleep 300 & echo done");

    // Within 60 s, where the sleep lasts 300: its group was ended with the shell.
    Job ended = api.awaitStatus(job.id(), JobStatus::isTerminal, TIMEOUT);

    assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(Files.readString(server.jobDir(job.id()).resolve("logs/pod-0.log")))
        .isEqualTo("done\n");
  }
}
