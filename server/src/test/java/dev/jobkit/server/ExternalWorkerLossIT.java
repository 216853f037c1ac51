package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_TIMEOUT;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Processes;
import dev.jobkit.server.worker.Workers;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that dies without a word ({@code kill -9} of its process) loses its claims after the
 * claim TTL: its running job goes to {@code RUN_TIMEOUT} and runs again on another worker.
 */
class ExternalWorkerLossIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @RegisterExtension
  static final JobkitService service =
      JobkitService.own("--jobkit.workers.local=false", "--jobkit.workers.claim-ttl=3s");

  private final Api user = service.user();
  private final JobkitClient client = service.client(service.userKey());

  /** {@code jobkit-server.jar worker …} as a process of its own, from the test's class path. */
  private static Process workerProcess(String key, Path workDir, Path output) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                JobkitServerApplication.class.getName(),
                "worker",
                "--url",
                service.server().baseUrl(),
                "--slots",
                "2",
                "--name",
                "doomed",
                "--work-dir",
                workDir.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(new File("/dev/null"));
    builder.environment().put("JOBKIT_WORKER_KEY", key);
    return builder.start();
  }

  @Test
  void a_job_of_a_killed_worker_goes_run_timeout_after_the_ttl_and_runs_again_on_another(
      @TempDir Path first, @TempDir Path second, @TempDir Path logs) throws Exception {
    String key = Workers.newWorkerKey(service.admin(), "lossy-" + System.nanoTime());
    Process doomed = workerProcess(key, first, logs.resolve("doomed.log"));
    Workers.Running survivor = null;
    try {
      Job job =
          user.submit(
              "{\"max_attempts\":2,\"shell\":\"echo attempt $JOBKIT_ATTEMPT; "
                  + service.gates().script("loss")
                  + "\"}");
      user.awaitStatus(job.id(), RUNNING, TIMEOUT);

      doomed.destroyForcibly(); // SIGKILL: no deregistration, no report
      assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).isTrue();

      await()
          .atMost(TIMEOUT)
          .until(() -> user.events(job.id()).stream().anyMatch(e -> e.toStatus() == RUN_TIMEOUT));
      survivor = Workers.start(service.server().baseUrl(), key, 2, second);
      Job again =
          user.awaitStatus(job.id(), s -> s == RUNNING, TIMEOUT); // the second attempt, elsewhere
      await().atMost(TIMEOUT).until(() -> user.job(job.id()).attempt() == 2);
      service.gates().open("loss");
      Job done = user.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

      assertThat(again.status()).isEqualTo(RUNNING);
      assertThat(done.attempt()).isEqualTo(2);
      assertThat(client.jobs().logs(job.id()).attempt(2).tail().content()).contains("attempt 2");
      String survivorId = survivor.workerId();
      assertThat(user.events(job.id()))
          .anySatisfy(e -> assertThat(e.toStatus()).isEqualTo(RUN_TIMEOUT))
          .anySatisfy(
              e -> {
                assertThat(e.toStatus()).isEqualTo(SUCCEEDED);
                assertThat(e.actor()).isEqualTo(survivorId);
              });
      // The killed worker's pod was left running (it leads a session of its own); the open gate
      // ended it too.
      await().atMost(TIMEOUT).until(() -> Processes.ofJob(job.id()).isEmpty());
    } finally {
      doomed.destroyForcibly();
      if (survivor != null) {
        survivor.stop();
      }
    }
  }
}
