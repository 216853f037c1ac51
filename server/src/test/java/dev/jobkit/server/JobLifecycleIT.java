package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** The successful flow of a job, end to end over HTTP with real processes. */
class JobLifecycleIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = service.server();
    api = service.user();
  }

  @Test
  void a_plain_command_job_goes_queued_claimed_running_succeeded() {
    Job job = api.submit("{\"command\":[\"true\"],\"display_name\":\"noop\"}");
    assertThat(job.id()).startsWith("job_");

    Job done = api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    assertThat(done.result().exitCode()).isZero();
    assertThat(done.startedAt()).isNotNull();
    assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
    assertThat(api.events(job.id()))
        .extracting(e -> e.toStatus())
        .containsExactly(
            JobStatus.QUEUED, JobStatus.CLAIMED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
  }

  @Test
  void the_events_of_a_successful_job_chain_from_state_to_state_with_growing_ids() {
    Job job = api.submitShell("echo hello from the job");

    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);
    List<JobEvent> events = api.events(job.id());

    assertThat(events).allSatisfy(e -> assertThat(e.jobId()).isEqualTo(job.id()));
    assertThat(events.get(0).fromStatus()).isNull();
    assertThat(events.get(0).actorKind()).isEqualTo(ActorKind.USER);
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).fromStatus()).isEqualTo(events.get(i - 1).toStatus());
      assertThat(events.get(i).id()).isGreaterThan(events.get(i - 1).id());
      assertThat(events.get(i).at()).isAfterOrEqualTo(events.get(i - 1).at());
    }
    Job done = api.job(job.id());
    assertThat(done.attempts()).hasSize(1);
    assertThat(done.attempts().get(0).outcome()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.pods()).singleElement().satisfies(p -> assertThat(p.exitCode()).isZero());
    assertThat(
            api.get("/api/v1/jobs/" + job.id() + "/log")
                .expect(200)
                .json()
                .get("content")
                .asString())
        .isEqualTo("hello from the job\n");
  }

  @Test
  void a_listed_job_carries_its_pods_and_attempts_as_the_job_read_alone_does() {
    String tag = "listed-" + System.nanoTime();
    Job running =
        api.submit(
            "{\"pod_count\":2,\"tags\":{\"case\":\""
                + tag
                + "\"},\"shell\":"
                + Api.JSON.writeValueAsString(service.gates().script(tag))
                + "}");
    Job waiting =
        api.submit(
            "{\"command\":[\"true\"],\"tags\":{\"case\":\""
                + tag
                + "\"},\"parents\":[\""
                + running.id()
                + "\"]}");
    api.awaitStatus(running.id(), JobStatus.RUNNING, TIMEOUT);
    api.awaitPids(running.id()); // written shortly after RUNNING

    JsonNode page = api.get("/api/v1/jobs?tag=case=" + tag).expect(200).json().get("items");
    JsonNode listedRunning = page.get(1);
    JsonNode listedWaiting = page.get(0);

    assertThat(listedRunning.get("id").asString()).isEqualTo(running.id());
    assertThat(listedRunning.get("pods")).hasSize(2);
    for (JsonNode pod : listedRunning.get("pods")) {
      assertThat(pod.get("status").asString()).isEqualTo("RUNNING");
      assertThat(pod.get("pid").isNumber()).isTrue();
    }
    assertThat(listedRunning.get("attempts")).hasSize(1);
    assertThat(listedRunning.get("attempts").get(0).get("number").asInt()).isEqualTo(1);
    // The same document as GET /jobs/{id}: the job is held by its gate, so nothing moves between.
    assertThat(listedRunning).isEqualTo(api.get("/api/v1/jobs/" + running.id()).expect(200).json());
    // A job that never ran lists empty arrays, never null.
    assertThat(listedWaiting.get("id").asString()).isEqualTo(waiting.id());
    assertThat(listedWaiting.get("pods").isArray()).isTrue();
    assertThat(listedWaiting.get("pods")).isEmpty();
    assertThat(listedWaiting.get("attempts").isArray()).isTrue();
    assertThat(listedWaiting.get("attempts")).isEmpty();

    service.gates().open(tag);
    api.awaitStatus(waiting.id(), JobStatus.SUCCEEDED, TIMEOUT);
  }

  @Test
  void each_of_three_pods_runs_as_its_own_process_with_the_jobkit_environment() throws IOException {
    Job job =
        api.submit(
            "{\"pod_count\":3,\"shell\":\"env | grep '^JOBKIT_' | sort"
                + " > \\\"$JOBKIT_OUTPUT_DIR/pod-$JOBKIT_POD_INDEX\\\"; echo $$ >> \\\"$JOBKIT_OUTPUT_DIR/pid-$JOBKIT_POD_INDEX\\\"\"}");

    Job done = api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    Path output = server.dataDir().resolve("jobs").resolve(job.id()).resolve("output");
    assertThat(done.pods()).hasSize(3);
    assertThat(done.result().outputFiles()).isEqualTo(6);
    List<String> pids = new java.util.ArrayList<>();
    for (int pod = 0; pod < 3; pod++) {
      Map<String, String> env = readEnv(output.resolve("pod-" + pod));
      assertThat(env)
          .containsEntry("JOBKIT_JOB_ID", job.id())
          .containsEntry("JOBKIT_POD_INDEX", Integer.toString(pod))
          .containsEntry("JOBKIT_POD_COUNT", "3")
          .containsEntry("JOBKIT_OUTPUT_DIR", output.toString())
          .containsEntry(
              "JOBKIT_PROGRESS_FILE", server.jobDir(job.id()).resolve("progress.json").toString())
          .containsEntry(
              "JOBKIT_METRICS_FILE", server.jobDir(job.id()).resolve("metrics.json").toString());
      assertThat(env).doesNotContainKey("JOBKIT_ADMIN_KEY");
      pids.add(Files.readString(output.resolve("pid-" + pod)).strip());
    }
    assertThat(pids).doesNotHaveDuplicates();
    // Recorded with the end, for a job quicker than the pids' own write after the start.
    assertThat(done.pods()).extracting(pod -> String.valueOf(pod.pid())).isEqualTo(pids);
  }

  @Test
  void each_pod_has_a_log_of_its_own() {
    Job job = api.submit("{\"pod_count\":3,\"shell\":\"echo I am pod $JOBKIT_POD_INDEX\"}");

    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    for (int pod = 0; pod < 3; pod++) {
      assertThat(
              api.get("/api/v1/jobs/" + job.id() + "/log?pod=" + pod)
                  .expect(200)
                  .json()
                  .get("content")
                  .asString())
          .isEqualTo("I am pod " + pod + "\n");
    }
  }

  @Test
  void progress_and_metrics_the_job_writes_show_on_the_running_job_and_are_kept_after_it_ends() {
    Job job =
        api.submitShell(
            "echo '{\"percent\": 40, \"message\": \"epoch 2\"}' > \"$JOBKIT_PROGRESS_FILE\";"
                + " echo '{\"loss\": 0.5}' > \"$JOBKIT_METRICS_FILE\"; "
                + service.gates().script("progress")
                // then empties both, as a rewrite with '>' does for a moment
                + "; : > \"$JOBKIT_PROGRESS_FILE\"; : > \"$JOBKIT_METRICS_FILE\"; "
                + service.gates().script("emptied"));

    Job running =
        await()
            .atMost(TIMEOUT)
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> api.job(job.id()),
                j -> j.progress() != null && j.metrics() != null && !j.metrics().isEmpty());

    assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(running.progress().percent()).isEqualTo(40.0);
    assertThat(running.progress().message()).isEqualTo("epoch 2");
    assertThat(running.progress().updatedAt()).isNotNull();
    assertThat(running.metrics()).containsExactly(Map.entry("loss", 0.5));

    service.gates().open("progress");
    Path progressFile = server.jobDir(job.id()).resolve("progress.json");
    Path metricsFile = server.jobDir(job.id()).resolve("metrics.json");
    await()
        .atMost(TIMEOUT)
        .until(() -> Files.size(progressFile) == 0 && Files.size(metricsFile) == 0);
    // A report read half-written shows the last one read whole, not none.
    Job emptied = api.job(job.id());
    assertThat(emptied.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(emptied.progress().message()).isEqualTo("epoch 2");
    assertThat(emptied.metrics()).containsExactly(Map.entry("loss", 0.5));

    service.gates().open("emptied");
    Job done = api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);
    assertThat(done.progress().percent()).isEqualTo(40.0);
    assertThat(done.progress().message()).isEqualTo("epoch 2");
    assertThat(done.metrics()).containsEntry("loss", 0.5);
  }

  @Test
  void the_result_counts_the_files_and_bytes_the_job_wrote_under_its_output_dir() {
    Job job =
        api.submitShell(
            "cd \"$JOBKIT_OUTPUT_DIR\" && mkdir -p nested/deeper && printf 12345 > a.txt"
                + " && printf 1234567890 > nested/b.bin && : > nested/deeper/empty");

    Job done = api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    assertThat(done.result().outputFiles()).isEqualTo(3);
    assertThat(done.result().outputBytes()).isEqualTo(15);
    assertThat(server.jobDir(job.id()).resolve("output/nested/b.bin")).hasContent("1234567890");
  }

  @Test
  void a_job_that_writes_no_output_has_a_result_with_zero_files() {
    Job job = api.submit("{\"command\":[\"true\"]}");

    Job done = api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    assertThat(done.result().outputFiles()).isZero();
    assertThat(done.result().outputBytes()).isZero();
  }

  private static Map<String, String> readEnv(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }
}
