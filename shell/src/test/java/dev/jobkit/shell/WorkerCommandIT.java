package dev.jobkit.shell;

import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Processes;
import dev.jobkit.shell.support.Jobkit;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobkit worker}: the real command, as a process, working for a service that runs no job
 * itself; a SIGTERM ends it in order.
 */
class WorkerCommandIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** How long the worker may take to start and run its first job. */
  private static final Duration START = Duration.ofSeconds(240);

  // A long claim TTL: the worker deregisters on SIGTERM, so nothing here waits for an expiry, and
  // under the suite's load a 6 s TTL once ran out between the worker's registration and its first
  // heartbeat (its JVM took 6 s to read the answer), which failed its first job.
  @RegisterExtension
  static final JobkitService service =
      JobkitService.own("--jobkit.workers.local=false", "--jobkit.workers.claim-ttl=60s");

  @TempDir Path workDir;
  @TempDir Path logs;

  private String newWorkerKey(String name) {
    Api admin = service.admin();
    admin.post("/api/v1/users", "{\"name\":\"" + name + "\",\"role\":\"worker\"}").expect(201);
    return admin
        .post("/api/v1/users/" + name + "/keys", "")
        .expect(201)
        .json()
        .get("key")
        .asString();
  }

  @Test
  void jobkit_worker_runs_the_jobs_of_a_service_and_on_sigterm_fails_its_job_and_deregisters()
      throws Exception {
    String key = newWorkerKey("shell-workers-" + System.nanoTime());
    ProcessBuilder builder =
        new ProcessBuilder(
                Jobkit.command(
                    "worker",
                    "--url",
                    service.server().baseUrl(),
                    "--key",
                    key,
                    "--slots",
                    "2",
                    "--name",
                    "shell-worker",
                    "--work-dir",
                    workDir.toString()))
            .redirectErrorStream(true)
            .redirectOutput(logs.resolve("worker.log").toFile())
            .redirectInput(new File("/dev/null"));
    builder.environment().remove("JOBKIT_URL");
    builder.environment().remove("JOBKIT_API_KEY");
    Process shell = builder.start();
    Api user = service.user();
    try {
      Job job = user.submit("{\"pod_count\":2,\"shell\":\"echo hello from $JOBKIT_POD_INDEX\"}");
      try {
        // Two JVMs start first (the shell, then the worker in the service's jar): under the whole
        // suite's load on 2 cores that took CI over 90 s once.
        user.awaitStatus(job.id(), SUCCEEDED, START);
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            "the worker ran no job; its output:\n" + Files.readString(logs.resolve("worker.log")),
            e);
      }
      assertThat(
              user.get("/api/v1/jobs/" + job.id() + "/log?pod=1")
                  .expect(200)
                  .json()
                  .get("content")
                  .asString())
          .isEqualTo("hello from 1\n");
      // The key reached the worker through its environment: its command line does not show it.
      assertThat(commandLinesUnder(shell))
          .anyMatch(line -> line.contains("jobkit-server.jar worker"))
          .noneMatch(line -> line.contains(key));

      Job running =
          user.submit(
              "{\"max_attempts\":1,\"shell\":\"" + service.gates().script("shell-worker") + "\"}");
      user.awaitStatus(running.id(), RUNNING, TIMEOUT);
      shell.destroy(); // SIGTERM to the shell, which passes it on to the worker
      assertThat(shell.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

      Job failed = user.awaitStatus(running.id(), FAILED, TIMEOUT);
      assertThat(failed.lastError()).startsWith("system:");
      assertThat(service.admin().get("/api/v1/internal/workers").expect(200).json().get("items"))
          .noneMatch(w -> w.get("name").asString().equals("shell-worker"));
      await().atMost(TIMEOUT).until(() -> Processes.ofJob(running.id()).isEmpty());
    } finally {
      shell.descendants().forEach(ProcessHandle::destroyForcibly);
      shell.destroyForcibly();
      service.gates().open("shell-worker");
    }
  }

  /** The command lines of the processes the shell started (the worker), once it runs. */
  private static List<String> commandLinesUnder(Process shell) {
    await().atMost(TIMEOUT).until(() -> shell.descendants().findAny().isPresent());
    return shell
        .descendants()
        .map(p -> Path.of("/proc", Long.toString(p.pid()), "cmdline"))
        .map(
            file -> {
              try {
                return new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
              } catch (IOException gone) {
                return "";
              }
            })
        .filter(line -> !line.isEmpty())
        .toList();
  }
}
