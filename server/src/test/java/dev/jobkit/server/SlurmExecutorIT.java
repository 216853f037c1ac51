package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.jobs.Pod;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Processes;
import dev.jobkit.server.support.SlurmCluster;
import dev.jobkit.server.support.SseStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Slurm executor on a real cluster ({@code .ci/slurm} starts a single-node one): each pod a
 * Slurm job, its log in the data dir, a stop a {@code scancel}, and a restart of the service that
 * leaves the Slurm jobs running and follows them again. Skipped outside CI where there is no Slurm;
 * fails in CI ({@link SlurmCluster}).
 */
@ExtendWith(SlurmCluster.class)
class SlurmExecutorIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * What a pod may have that the service has too: the allow-list (docs/server.md, Security), and
   * what the shell and Slurm set in every job.
   */
  private static final Set<String> ALLOWED =
      Set.of(
          "PATH",
          "HOME",
          "LANG",
          "TZ",
          "USER",
          "PWD",
          "OLDPWD",
          "SHLVL",
          "_",
          "HOSTNAME",
          "TMPDIR",
          "ENVIRONMENT");

  @RegisterExtension
  static final JobkitService service =
      JobkitService.own(
          "--jobkit.executor.type=slurm",
          "--jobkit.executor.slurm.slots=8",
          "--jobkit.executor.max-log-bytes-per-pod=64KB");

  /** The class user's client of the service as it is now (a restart moves it to a new port). */
  private static Api user() {
    return service.user().at(service.server().baseUrl());
  }

  private static String log(Api api, String jobId, int pod) {
    return api.get("/api/v1/jobs/" + jobId + "/log?pod=" + pod)
        .expect(200)
        .as(LogTail.class)
        .content();
  }

  @Test
  void a_job_of_two_pods_runs_as_two_slurm_jobs_and_succeeds_with_their_logs() {
    Api api = user();
    Job job =
        api.submit(
            "{\"shell\":\"echo pod $JOBKIT_POD_INDEX of $JOBKIT_POD_COUNT in slurm job"
                + " $SLURM_JOB_ID; env\",\"pod_count\":2}");

    Job done = api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    assertThat(done.attempts()).singleElement().satisfies(a -> assertThat(a.exitCode()).isZero());
    assertThat(done.pods()).hasSize(2).allSatisfy(p -> assertThat(p.exitCode()).isZero());
    assertThat(done.pods().get(0).pid()).isNotEqualTo(done.pods().get(1).pid());
    for (Pod pod : done.pods()) {
      String log = log(api, job.id(), pod.index());
      // The pod's recorded pid is its Slurm job's id.
      assertThat(log).startsWith("pod " + pod.index() + " of 2 in slurm job " + pod.pid() + "\n");
      List<String> names =
          log.lines().skip(1).filter(l -> l.contains("=")).map(l -> l.split("=")[0]).toList();
      assertThat(names).contains("JOBKIT_TOKEN", "JOBKIT_JOB_ID", "JOBKIT_OUTPUT_DIR", "PATH");
      // Nothing of the service's environment but the allow-list reaches the pod.
      List<String> leaked =
          System.getenv().keySet().stream()
              .filter(n -> !ALLOWED.contains(n) && !n.startsWith("LC_") && !n.startsWith("SLURM"))
              .filter(names::contains)
              .toList();
      assertThat(leaked).isEmpty();
    }
  }

  @Test
  void a_failing_pod_fails_the_job_with_its_exit_code() {
    Api api = user();
    Job job = api.submit("{\"shell\":\"echo failing; exit 3\",\"max_attempts\":1}");

    Job failed = api.awaitStatus(job.id(), FAILED, TIMEOUT);

    assertThat(failed.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a.exitCode()).isEqualTo(3));
    assertThat(failed.pods()).singleElement().satisfies(p -> assertThat(p.exitCode()).isEqualTo(3));
    assertThat(failed.lastError()).isEqualTo("pod 0 exited with code 3");
    assertThat(log(api, job.id(), 0)).startsWith("failing\n");
  }

  @Test
  void a_log_past_the_limit_is_cut_there_when_the_pod_ends() throws IOException {
    Api api = user();
    Job job = api.submitShell("head -c 1048576 /dev/zero | tr '\\0' a; echo AFTER-THE-CUT >&2");

    Job done = api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    assertThat(done.statusReason())
        .isEqualTo(
            "the log of pod 0 was cut at 65536 bytes (jobkit.executor.max-log-bytes-per-pod)");
    byte[] log = Files.readAllBytes(service.server().jobDir(job.id()).resolve("logs/pod-0.log"));
    String cutLine =
        "\n[jobkit] log cut at 65536 bytes: the limit jobkit.executor.max-log-bytes-per-pod was"
            + " reached; further output is discarded\n";
    assertThat(log).hasSize(64 * 1024 + cutLine.length());
    String text = new String(log, StandardCharsets.US_ASCII);
    assertThat(text.substring(0, 64 * 1024)).matches("a{65536}");
    assertThat(text).endsWith(cutLine).doesNotContain("AFTER-THE-CUT");
  }

  @Test
  void following_the_log_of_a_slurm_pod_delivers_its_lines_as_they_are_written() {
    Api api = user();
    Gates gates = service.gates();
    Job job = api.submitShell("echo line-1; " + gates.script("follow") + "; echo line-2");
    api.awaitStatus(job.id(), RUNNING, TIMEOUT);

    try (SseStream stream = api.stream("/api/v1/jobs/" + job.id() + "/log/stream")) {
      assertThat(stream.status()).isEqualTo(200);
      List<SseStream.Event> first =
          stream.until(e -> e.name().equals("log") && text(List.of(e)).contains("line-1"), TIMEOUT);
      // Seen while the job is still running: it cannot go on before the gate opens.
      assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);

      gates.open("follow");
      List<SseStream.Event> rest = stream.until(e -> e.name().equals("end"), TIMEOUT);

      assertThat(text(first) + text(rest)).isEqualTo("line-1\nline-2\n");
      assertThat(rest.get(rest.size() - 1).json().get("status").asString()).isEqualTo("SUCCEEDED");
    }
  }

  @Test
  void stopping_a_running_job_cancels_its_slurm_jobs_and_leaves_no_process() {
    Api api = user();
    // Each pod leaves a process in a session of its own, which a signal to its group would miss.
    Job job =
        api.submit(
            "{\"shell\":\"setsid sleep 3600 & "
                + service.gates().script("never")
                + "\",\"pod_count\":2}");
    api.awaitStatus(job.id(), RUNNING, TIMEOUT);
    await().atMost(TIMEOUT).until(() -> Processes.ofJob(job.id()).size() >= 4);
    assertThat(SlurmCluster.activeJobsOf(job.id())).hasSize(2);

    Job canceled = api.stopAndAwaitCanceled(job.id());

    assertThat(canceled.pods()).extracting(Pod::exitCode).doesNotContain(0);
    // Canceled once Slurm says the pods' jobs have ended: none is left, nor any process of them.
    assertThat(SlurmCluster.activeJobsOf(job.id())).isEmpty();
    assertThat(Processes.ofJob(job.id())).isEmpty();
  }

  @Test
  void a_job_running_when_the_service_restarts_is_followed_again_and_succeeds() {
    Api api = user();
    Gates gates = service.gates();
    // After the restart the pod still acts with its job token: the restart did not revoke it.
    Job job =
        api.submitShell(
            "echo before; "
                + gates.script("restart")
                + "; curl -sf -o /dev/null -H \"Authorization: Bearer $JOBKIT_TOKEN\""
                + " \"$JOBKIT_URL/api/v1/jobs/$JOBKIT_JOB_ID\" && echo token-works; echo after");
    api.awaitStatus(job.id(), RUNNING, TIMEOUT);
    await().atMost(TIMEOUT).until(() -> log(user(), job.id(), 0).equals("before\n"));
    long slurmJob = api.job(job.id()).pods().get(0).pid();

    // Same port: the pod calls the service at the address it was given.
    service.server().restartOnSamePort(() -> {});
    Api after = user();
    assertThat(after.job(job.id()).status()).isEqualTo(RUNNING);
    assertThat(SlurmCluster.activeJobsOf(job.id()))
        .singleElement()
        .asString()
        .startsWith(slurmJob + " ");
    gates.open("restart");

    Job done = after.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    assertThat(log(after, job.id(), 0)).isEqualTo("before\ntoken-works\nafter\n");
    assertThat(done.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a.outcome()).isEqualTo(SUCCEEDED));
    assertThat(done.pods()).singleElement().satisfies(p -> assertThat(p.pid()).isEqualTo(slurmJob));
    assertThat(after.events(job.id()))
        .extracting(JobEvent::toStatus)
        .endsWith(RUNNING, SUCCEEDED)
        .doesNotContain(JobStatus.RUN_TIMEOUT);
    assertThat(Processes.ofJob(job.id())).isEmpty();
  }

  @Test
  void a_job_whose_pod_ended_while_the_service_was_down_ends_with_it_at_the_next_start() {
    Api api = user();
    Gates gates = service.gates();
    Job job = api.submitShell(gates.script("downtime") + "; echo done; exit 5");
    api.awaitStatus(job.id(), RUNNING, TIMEOUT);

    service
        .server()
        .restartOnSamePort(
            () -> {
              gates.open("downtime");
              await().atMost(TIMEOUT).until(() -> SlurmCluster.activeJobsOf(job.id()).isEmpty());
            });

    // Not lost: its end, with its exit code, was read from Slurm.
    Job failed = user().awaitStatus(job.id(), FAILED, TIMEOUT);
    assertThat(failed.lastError()).isEqualTo("pod 0 exited with code 5");
    assertThat(failed.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a.exitCode()).isEqualTo(5));
    assertThat(log(user(), job.id(), 0)).isEqualTo("done\n");
  }

  @Test
  void a_slurm_pod_past_its_timeout_is_stopped_and_the_job_times_out() {
    Api api = user();
    Job job =
        api.submit(
            "{\"shell\":"
                + Api.JSON.writeValueAsString(service.gates().script("never-timeout"))
                + ",\"timeout_seconds\":2,\"max_attempts\":1}");

    Job failed = api.awaitStatus(job.id(), FAILED, TIMEOUT);

    assertThat(failed.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a.outcome()).isEqualTo(JobStatus.RUN_TIMEOUT));
    assertThat(SlurmCluster.activeJobsOf(job.id())).isEmpty();
    assertThat(Processes.ofJob(job.id())).isEmpty();
  }

  private static String text(List<SseStream.Event> events) {
    return events.stream()
        .filter(e -> e.name().equals("log"))
        .map(e -> e.json().get("text").asString())
        .collect(Collectors.joining());
  }
}
