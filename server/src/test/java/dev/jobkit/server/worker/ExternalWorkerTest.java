package dev.jobkit.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The worker's runtime against an in-memory service side of the protocol ({@link FakeService}),
 * with real pods: what it ships, uploads and reports for each way a job ends. The end-to-end proof
 * against the real service is {@code ExternalWorkerIT}.
 */
class ExternalWorkerTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path workDir;

  private FakeService service;
  private ExternalWorker worker;
  private Thread running;

  @BeforeEach
  void start() {
    service = new FakeService();
    worker =
        new ExternalWorker(
            new WorkerOptions(
                service.url(),
                "jk_worker",
                4,
                List.of(),
                "test-worker",
                workDir,
                Map.of("jobkit.executor.stop-grace-period", "2s")));
    running = new Thread(worker::run, "test-worker-loop");
    running.start();
  }

  @AfterEach
  void stop() throws Exception {
    worker.stop();
    running.join(10_000);
    service.close();
  }

  private static String job(String id, String shell, int pods, Long timeoutSeconds) {
    ObjectNode job = FakeService.JSON.createObjectNode();
    job.put("job_id", id);
    job.put("attempt", 1);
    job.put("max_attempts", 1);
    job.put("owner", "ann");
    job.put("shell", shell);
    job.putObject("env").put("GREETING", "hello");
    job.put("pod_count", pods);
    if (timeoutSeconds != null) {
      job.put("timeout_seconds", timeoutSeconds);
    }
    job.put("token", "jkt_test");
    return job.toString();
  }

  private JsonNode endOf(String jobId) {
    await().atMost(WAIT).until(() -> service.ends.containsKey(jobId));
    return service.ends.get(jobId);
  }

  @Test
  void a_job_runs_and_its_whole_log_its_results_and_its_exit_codes_reach_the_service() {
    service.failEveryNthAppend = 3; // some answers are lost: those chunks are sent again
    service.queue(
        job(
            "job_ok",
            "seq 1 150000; echo \"$GREETING from $JOBKIT_POD_INDEX of $JOBKIT_POD_COUNT\";"
                + " mkdir -p \"$JOBKIT_OUTPUT_DIR/model\";"
                + " echo weights > \"$JOBKIT_OUTPUT_DIR/model/w $JOBKIT_POD_INDEX.txt\";"
                + " ln -s /etc/passwd \"$JOBKIT_OUTPUT_DIR/link$JOBKIT_POD_INDEX\";"
                + " echo '{\"percent\": 100, \"message\": \"done\"}' > \"$JOBKIT_PROGRESS_FILE\";"
                + " echo '{\"loss\": 0.25}' > \"$JOBKIT_METRICS_FILE\"",
            2,
            null));

    JsonNode end = endOf("job_ok");

    assertThat(end.get("call").asString()).isEqualTo("complete");
    assertThat(end.get("exit_codes").toString()).isEqualTo("[0,0]");
    assertThat(end.get("metrics").get("loss").asDouble()).isEqualTo(0.25);
    String expected =
        IntStream.rangeClosed(1, 150000)
                .mapToObj(Integer::toString)
                .collect(Collectors.joining("\n"))
            + "\n";
    assertThat(service.log("job_ok", 0)).isEqualTo(expected + "hello from 0 of 2\n");
    assertThat(service.log("job_ok", 1)).isEqualTo(expected + "hello from 1 of 2\n");
    assertThat(service.results.keySet())
        .containsExactlyInAnyOrder("job_ok:model/w 0.txt", "job_ok:model/w 1.txt");
    assertThat(new String(service.results.get("job_ok:model/w 0.txt"), StandardCharsets.UTF_8))
        .isEqualTo("weights\n");
    JsonNode running = service.transitions.get("job_ok");
    assertThat(running.get("to").asString()).isEqualTo("RUNNING");
    assertThat(running.get("pids")).hasSize(2);
    assertThat(service.heartbeats.stream().flatMap(h -> stream(h.get("jobs"))))
        .anySatisfy(
            report -> {
              assertThat(report.get("job_id").asString()).isEqualTo("job_ok");
              assertThat(report.get("progress").get("message").asString()).isEqualTo("done");
            });
    // Reported last, after the log and the results.
    List<String> calls = service.calls;
    assertThat(calls.lastIndexOf("POST /api/v1/internal/jobs/job_ok/complete"))
        .isGreaterThan(calls.lastIndexOf("POST /api/v1/internal/jobs/job_ok/pods/0/log"))
        .isGreaterThan(
            calls.lastIndexOf("PUT /api/v1/internal/jobs/job_ok/results/model/w%200.txt"));
    await().atMost(WAIT).until(() -> !Files.exists(workDir.resolve("jobs/job_ok")));
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    return array == null ? Stream.empty() : array.valueStream();
  }

  @Test
  void while_the_service_is_away_the_job_runs_on_and_its_whole_log_arrives_once_it_is_back() {
    // In the output dir, which the pod may write (it may run as a user of its own).
    Path done = workDir.resolve("jobs/job_away/output/done");
    service.queue(
        job(
            "job_away",
            "for i in $(seq 1 3000); do echo line $i; done; echo bye; touch $JOBKIT_OUTPUT_DIR/done",
            1,
            null));
    await().atMost(WAIT).until(() -> service.transitions.containsKey("job_away"));

    service.down = true;
    await().atMost(WAIT).until(() -> Files.exists(done) && service.refused.get() >= 5);
    service.down = false;
    JsonNode end = endOf("job_away");

    assertThat(end.get("call").asString()).isEqualTo("complete");
    assertThat(service.results).containsKey("job_away:done");
    assertThat(service.log("job_away", 0))
        .isEqualTo(
            IntStream.rangeClosed(1, 3000)
                    .mapToObj(i -> "line " + i)
                    .collect(Collectors.joining("\n"))
                + "\nbye\n");
  }

  @Test
  void a_failing_pod_is_reported_as_a_user_error_with_its_exit_code() {
    service.queue(job("job_bad", "echo oops; exit 3", 1, null));

    JsonNode end = endOf("job_bad");

    assertThat(end.get("call").asString()).isEqualTo("fail");
    assertThat(end.get("kind").asString()).isEqualTo("user");
    assertThat(end.get("exit_code").asInt()).isEqualTo(3);
    assertThat(end.get("details").get("exit_codes").toString()).isEqualTo("[3]");
    assertThat(service.log("job_bad", 0)).isEqualTo("oops\n");
  }

  @Test
  void a_command_that_cannot_start_is_a_validation_error() {
    ObjectNode job = (ObjectNode) FakeService.JSON.readTree(job("job_none", "x", 1, null));
    job.remove("shell");
    job.putArray("command").add("no-such-program-jobkit");
    service.queue(job.toString());

    JsonNode end = endOf("job_none");

    assertThat(end.get("call").asString()).isEqualTo("fail");
    assertThat(end.get("kind").asString()).isEqualTo("validation");
    assertThat(end.get("message").asString()).contains("no-such-program-jobkit");
    assertThat(service.transitions).doesNotContainKey("job_none");
  }

  @Test
  void a_job_past_its_timeout_is_terminated_and_reported_as_a_timeout() {
    service.queue(job("job_slow", "echo started; exec sleep 300", 1, 1L));

    JsonNode end = endOf("job_slow");

    assertThat(end.get("call").asString()).isEqualTo("fail");
    assertThat(end.get("kind").asString()).isEqualTo("timeout");
    assertThat(service.log("job_slow", 0)).startsWith("started\n");
    assertNoProcessOf("job_slow");
  }

  @Test
  void a_job_in_the_cancel_list_of_a_heartbeat_is_terminated_and_its_end_reported() {
    service.queue(job("job_stop", "sleep 300 & echo started; wait", 2, null));
    await().atMost(WAIT).until(() -> service.log("job_stop", 1).contains("started"));

    service.cancel.add("job_stop");
    JsonNode end = endOf("job_stop");

    assertThat(end.get("call").asString()).isEqualTo("complete");
    assertThat(end.get("exit_codes")).hasSize(2);
    assertNoProcessOf("job_stop");
  }

  @Test
  void a_stopped_worker_fails_its_jobs_as_system_errors_and_deregisters() throws Exception {
    service.queue(job("job_left", "echo started; exec sleep 300", 1, null));
    await().atMost(WAIT).until(() -> service.log("job_left", 0).contains("started"));

    worker.stop();

    JsonNode end = service.ends.get("job_left");
    assertThat(end.get("call").asString()).isEqualTo("fail");
    assertThat(end.get("kind").asString()).isEqualTo("system");
    assertThat(service.calls).contains("DELETE /api/v1/internal/workers/wkr_1");
    assertNoProcessOf("job_left");
  }

  @Test
  void an_expired_worker_kills_its_jobs_reports_nothing_of_them_and_registers_anew() {
    service.queue(job("job_lost", "echo started; exec sleep 300", 1, null));
    await().atMost(WAIT).until(() -> service.log("job_lost", 0).contains("started"));

    service.expireNextHeartbeat = true;

    await().atMost(WAIT).until(() -> service.registrations() == 2);
    assertNoProcessOf("job_lost");
    assertThat(service.ends).doesNotContainKey("job_lost");
    service.queue(job("job_after", "echo again", 1, null));
    assertThat(endOf("job_after").get("call").asString()).isEqualTo("complete");
  }

  /** No process has the job's id in its environment, as every pod and its children have. */
  private static void assertNoProcessOf(String jobId) {
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(processesOf(jobId)).as("processes of " + jobId).isEmpty());
  }

  private static List<Long> processesOf(String jobId) throws IOException {
    byte[] wanted = ("JOBKIT_JOB_ID=" + jobId + "\0").getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(
              p -> {
                try {
                  byte[] env = Files.readAllBytes(p.resolve("environ"));
                  return indexOf(env, wanted) >= 0;
                } catch (IOException | SecurityException gone) {
                  return false;
                }
              })
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .toList();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
