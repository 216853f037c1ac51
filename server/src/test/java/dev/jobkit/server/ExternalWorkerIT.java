package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.CANCELED;
import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_TIMEOUT;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.ResultFile;
import dev.jobkit.sdk.jobs.ResultManifest;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Processes;
import dev.jobkit.server.support.SseStream;
import dev.jobkit.server.worker.ExternalWorker;
import dev.jobkit.server.worker.Workers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs on a service that runs none itself ({@code jobkit.workers.local=false}) run on an external
 * worker, the same as on the service: their logs, results, progress, metrics, exit codes, stops and
 * timeouts are what a user sees through the normal API.
 */
class ExternalWorkerIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension
  static final JobkitService service =
      JobkitService.own("--jobkit.workers.local=false", "--jobkit.workers.claim-ttl=6s");

  @TempDir static Path workDir;

  private static Workers.Running worker;

  private final Api user = service.user();
  private final JobkitClient client = service.client(service.userKey());

  @BeforeAll
  static void startWorker() {
    String key = Workers.newWorkerKey(service.admin(), "workers-" + System.nanoTime());
    worker = Workers.start(service.server().baseUrl(), key, 4, workDir);
  }

  @AfterAll
  static void stopWorker() {
    if (worker != null) {
      worker.stop();
    }
  }

  private static String numbers(int to) {
    return IntStream.rangeClosed(1, to)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining("\n"))
        + "\n";
  }

  @Test
  void a_job_runs_on_the_worker_and_ends_with_its_log_results_progress_and_metrics(
      @TempDir Path local) throws IOException {
    Job job =
        user.submit(
            "{\"pod_count\":2,\"shell\":\"seq 1 60000; echo pod $JOBKIT_POD_INDEX;"
                + " mkdir -p $JOBKIT_OUTPUT_DIR/p$JOBKIT_POD_INDEX;"
                + " printf weights > $JOBKIT_OUTPUT_DIR/p$JOBKIT_POD_INDEX/model.bin;"
                + " echo '{\\\"percent\\\": 100, \\\"message\\\": \\\"done\\\"}'"
                + " > $JOBKIT_PROGRESS_FILE; echo '{\\\"loss\\\": 0.125}' > $JOBKIT_METRICS_FILE\"}");

    Job done = user.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    assertThat(done.result().exitCode()).isZero();
    for (int pod = 0; pod < 2; pod++) {
      String whole = numbers(60000) + "pod " + pod + "\n"; // over 256 KiB: several appends
      assertThat(streamedLog(job.id(), pod)).isEqualTo(whole);
      assertThat(client.jobs().logs(job.id()).pod(pod).tail().content())
          .isEqualTo(whole.substring(whole.length() - 20_000));
    }
    ResultManifest manifest = client.jobs().results(job.id()).download(local);
    assertThat(manifest.files())
        .extracting(ResultFile::path)
        .containsExactlyInAnyOrder("p0/model.bin", "p1/model.bin");
    assertThat(Files.readString(local.resolve("p1/model.bin"))).isEqualTo("weights");
    assertThat(done.progress().percent()).isEqualTo(100.0);
    assertThat(done.progress().message()).isEqualTo("done");
    assertThat(done.metrics()).containsEntry("loss", 0.125);
    assertThat(user.events(job.id()))
        .filteredOn(e -> e.toStatus() == RUNNING || e.toStatus() == SUCCEEDED)
        .allSatisfy(
            e -> {
              assertThat(e.actorKind()).isEqualTo(ActorKind.WORKER);
              assertThat(e.actor()).isEqualTo(worker.workerId());
            });
  }

  /** The whole log of a pod as {@code /log/stream} sends it, up to its end. */
  private String streamedLog(String jobId, int pod) {
    try (SseStream stream = user.stream("/api/v1/jobs/" + jobId + "/log/stream?pod=" + pod)) {
      return stream.until(e -> e.name().equals("end"), TIMEOUT).stream()
          .filter(e -> e.name().equals("log"))
          .map(e -> e.json().get("text").asString())
          .collect(Collectors.joining());
    }
  }

  @Test
  void a_key_that_is_no_workers_cannot_register_and_the_worker_exits_with_1(@TempDir Path dir) {
    int code =
        ExternalWorker.main(
            new String[] {
              "--url", service.server().baseUrl(),
              "--key", service.userKey(),
              "--slots", "1",
              "--work-dir", dir.toString()
            });

    assertThat(code).isEqualTo(1);
  }

  @Test
  void a_failing_job_ends_failed_with_its_exit_code_and_a_user_error() {
    Job job = user.submit("{\"shell\":\"echo nope; exit 7\",\"max_attempts\":1}");

    Job done = user.awaitStatus(job.id(), FAILED, TIMEOUT);

    assertThat(done.result().exitCode()).isEqualTo(7);
    assertThat(done.lastError()).startsWith("user:");
    assertThat(client.jobs().logs(job.id()).tail().content()).isEqualTo("nope\n");
  }

  @Test
  void a_command_that_cannot_start_fails_at_once_as_a_validation_error() {
    Job job = user.submit("{\"command\":[\"no-such-program-jobkit\"],\"max_attempts\":3}");

    Job done = user.awaitStatus(job.id(), FAILED, TIMEOUT);

    assertThat(done.lastError()).startsWith("validation:").contains("no-such-program-jobkit");
    assertThat(done.attempts()).hasSize(1); // not retried: it would fail the same way
  }

  @Test
  void a_stop_cancels_a_job_on_the_worker_and_leaves_no_process() {
    Job job =
        user.submit(
            "{\"pod_count\":2,\"shell\":\"sleep 300 & echo started; "
                + service.gates().script("never").replace("\"", "\\\"")
                + "\"}");
    user.awaitStatus(job.id(), RUNNING, TIMEOUT);
    await().atMost(TIMEOUT).until(() -> !Processes.ofJob(job.id()).isEmpty());

    Job stopped = user.stopAndAwaitCanceled(job.id());

    assertThat(stopped.status()).isEqualTo(CANCELED);
    await().atMost(TIMEOUT).until(() -> Processes.ofJob(job.id()).isEmpty());
  }

  @Test
  void a_job_past_its_timeout_is_ended_as_a_timeout_by_the_worker() {
    Job job =
        user.submit(
            "{\"shell\":\"echo started; exec sleep 300\",\"timeout_seconds\":2,\"max_attempts\":1}");

    Job done = user.awaitStatus(job.id(), FAILED, TIMEOUT);

    List<JobEvent> events = user.events(job.id());
    assertThat(events).anySatisfy(e -> assertThat(e.toStatus()).isEqualTo(RUN_TIMEOUT));
    assertThat(done.lastError()).startsWith("timeout:");
    await().atMost(TIMEOUT).until(() -> Processes.ofJob(job.id()).isEmpty());
  }
}
