package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.CANCELED;
import static dev.jobkit.sdk.lifecycle.JobStatus.CANCEL_REQUESTED;
import static dev.jobkit.sdk.lifecycle.JobStatus.CLAIMED;
import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.POSTPROCESSED;
import static dev.jobkit.sdk.lifecycle.JobStatus.PREPROCESSED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RESTART_READY;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_DONE;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_ERROR;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_TIMEOUT;
import static dev.jobkit.sdk.lifecycle.JobStatus.STAGED_IN;
import static dev.jobkit.sdk.lifecycle.JobStatus.STAGED_OUT;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * The steps of an app around its pods: each phase of the lifecycle entered exactly when the app has
 * its step, hooks in the work dir with their output in pod 0's log, failures and timeouts of steps
 * as failed attempts (retried), stops during hooks, and transfers from a root, from a local HTTP
 * server and to a root, with their checks.
 */
class AppStepsIT {

  private static final Path ROOT = newRoot();

  @RegisterExtension
  static final JobkitService service =
      JobkitService.own("--jobkit.transfers.roots=" + ROOT, "--jobkit.transfers.timeout=10s");

  private static final Duration END = Duration.ofSeconds(60);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static HttpServer http;
  private static final java.util.Map<String, String> uploaded =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Api admin = service.admin();
  private final Api user = service.user();

  private static Path newRoot() {
    try {
      return Files.createTempDirectory(
              "jobkit-transfers-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")))
          .toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeAll
  static void startHttp() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/data.csv",
        exchange -> {
          byte[] body = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    http.createContext(
        "/upload/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          if (exchange.getRequestMethod().equals("PUT")) {
            uploaded.put(
                exchange.getRequestURI().getPath(), new String(body, StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(201, -1);
          } else {
            exchange.sendResponseHeaders(405, -1);
          }
          exchange.close();
        });
    http.start();
  }

  @AfterAll
  static void stopHttp() {
    http.stop(0);
    FileSystemUtils.deleteRecursively(ROOT.toFile());
  }

  private static String unique(String base) {
    return base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Puts an app and submits a job of it. */
  private Job run(String definition, String parameters) {
    String name = unique("steps");
    admin.put("/api/v1/apps/" + name, definition).expect(200);
    return user.submit("{\"app\": \"" + name + "\", \"parameters\": " + parameters + "}");
  }

  private List<JobStatus> statuses(String id) {
    return user.events(id).stream().map(JobEvent::toStatus).toList();
  }

  private String log(String id) {
    return user.get("/api/v1/jobs/" + id + "/log", "Accept", "text/plain").expect(200).body();
  }

  private static String json(Object value) {
    return JSON.writeValueAsString(value);
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void an_app_without_steps_goes_the_way_of_a_plain_job() {
    Job job = run("{\"command\": [\"true\"]}", "{}");

    user.awaitStatus(job.id(), SUCCEEDED, END);

    assertThat(statuses(job.id())).containsExactly(QUEUED, CLAIMED, RUNNING, SUCCEEDED);
  }

  @Test
  void every_step_enters_its_phase_in_order_and_the_files_go_in_and_out() throws Exception {
    Path input = Files.writeString(ROOT.resolve(unique("in") + ".txt"), "staged\n");
    Path output = ROOT.resolve("out").resolve(unique("result") + ".txt");
    String definition =
        """
        {"shell": "cat data/in.txt prep.txt > out.txt; echo ran >> out.txt",
         "parameters": {"type": "object", "required": ["src", "dst"],
           "properties": {"src": {"type": "string"}, "dst": {"type": "string"}}},
         "hooks": {"preprocess": {"command": ["sh", "-c", "echo prepared > prep.txt; echo said-pre"]},
                   "postprocess": {"command": ["sh", "-c", "echo post >> out.txt"],
                                   "timeout_seconds": 30}},
         "transfers": {"stage_in": [{"source": "{src}", "path": "data/in.txt", "sha256": "%s"}],
                       "stage_out": [{"path": "out.txt", "destination": "{dst}"}]}}
        """
            .formatted(sha256("staged\n"));

    Job job =
        run(
            definition,
            "{\"src\": " + json(input.toString()) + ", \"dst\": " + json(output.toString()) + "}");

    user.awaitStatus(job.id(), SUCCEEDED, END);
    assertThat(statuses(job.id()))
        .containsExactly(
            QUEUED,
            CLAIMED,
            STAGED_IN,
            PREPROCESSED,
            RUNNING,
            RUN_DONE,
            POSTPROCESSED,
            STAGED_OUT,
            SUCCEEDED);
    assertThat(Files.readString(output)).isEqualTo("staged\nprepared\nran\npost\n");
    String log = log(job.id());
    assertThat(log)
        .contains("[jobkit] preprocess hook started at")
        .contains("said-pre\n[jobkit] preprocess hook exited 0")
        .contains("[jobkit] postprocess hook exited 0");
  }

  @Test
  void a_postprocess_alone_enters_run_done_and_postprocessed_only() {
    Job job =
        run(
            "{\"command\": [\"true\"], \"hooks\": {\"postprocess\": {\"command\": [\"true\"]}}}",
            "{}");

    user.awaitStatus(job.id(), SUCCEEDED, END);

    assertThat(statuses(job.id()))
        .containsExactly(QUEUED, CLAIMED, RUNNING, RUN_DONE, POSTPROCESSED, SUCCEEDED);
  }

  @Test
  void a_failing_preprocess_is_a_failed_attempt_retried_and_on_error_runs_before_the_decision() {
    String definition =
        """
        {"command": ["true"], "defaults": {"max_attempts": 2},
         "hooks": {"preprocess": {"command": ["sh", "-c", "echo broken; exit 3"]},
                   "on_error": {"command": ["sh", "-c", "echo cleaning; exit 4"]}}}
        """;

    Job job = run(definition, "{}");

    Job failed = user.awaitStatus(job.id(), FAILED, END);
    assertThat(failed.lastError()).isEqualTo("preprocess hook exited 3");
    List<JobEvent> events = user.events(job.id());
    assertThat(events.stream().map(JobEvent::toStatus))
        .containsExactly(QUEUED, CLAIMED, RUN_ERROR, RESTART_READY, CLAIMED, RUN_ERROR, FAILED);
    assertThat(events.get(2).reason()).isEqualTo("preprocess hook exited 3");
    assertThat(events.get(3).reason())
        .isEqualTo("retry 2 of 2 after preprocess hook exited 3; on_error hook exited 4");
    assertThat(log(job.id()))
        .contains("broken\n[jobkit] preprocess hook exited 3")
        .contains("cleaning\n[jobkit] on_error hook exited 4");
  }

  @Test
  void a_failing_postprocess_fails_the_attempt_after_run_done() {
    Job job =
        run(
            "{\"command\": [\"true\"], \"hooks\": {\"postprocess\": {\"command\": [\"false\"]}}}",
            "{}");

    Job failed = user.awaitStatus(job.id(), FAILED, END);

    assertThat(failed.lastError()).isEqualTo("postprocess hook exited 1");
    assertThat(statuses(job.id()))
        .containsExactly(QUEUED, CLAIMED, RUNNING, RUN_DONE, RUN_ERROR, FAILED);
  }

  @Test
  void a_hook_past_its_timeout_is_killed_and_the_attempt_fails() {
    Job job =
        run(
            "{\"command\": [\"true\"], \"hooks\": {\"preprocess\":"
                + " {\"command\": [\"sleep\", \"300\"], \"timeout_seconds\": 1}}}",
            "{}");

    Job failed = user.awaitStatus(job.id(), FAILED, END);

    assertThat(failed.lastError()).isEqualTo("preprocess hook timed out after 1s");
    assertThat(statuses(job.id())).containsExactly(QUEUED, CLAIMED, RUN_ERROR, FAILED);
  }

  @Test
  void a_timed_out_run_runs_on_timeout() {
    Job job =
        run(
            "{\"command\": [\"sleep\", \"300\"], \"defaults\": {\"timeout_seconds\": 1},"
                + " \"hooks\": {\"on_timeout\": {\"command\": [\"sh\", \"-c\", \"echo late\"]}}}",
            "{}");

    user.awaitStatus(job.id(), FAILED, END);

    assertThat(statuses(job.id())).containsExactly(QUEUED, CLAIMED, RUNNING, RUN_TIMEOUT, FAILED);
    assertThat(log(job.id())).contains("late\n[jobkit] on_timeout hook exited 0");
  }

  @Test
  void a_stop_during_preprocess_cancels_and_kills_the_hook() {
    String gate = unique("pre");
    Job job =
        run(
            "{\"command\": [\"true\"], \"hooks\": {\"preprocess\": {\"command\": [\"sh\", \"-c\", "
                + json(service.gates().script(gate))
                + "]}}}",
            "{}");
    await().atMost(END).until(() -> log(job.id()).contains("preprocess hook started"));

    user.post("/api/v1/jobs/" + job.id() + "/stop", "").expect(200);

    user.awaitStatus(job.id(), CANCELED, END);
    await().atMost(END).until(() -> log(job.id()).contains("[jobkit] preprocess hook stopped"));
    assertThat(statuses(job.id())).containsExactly(QUEUED, CLAIMED, CANCELED);
  }

  @Test
  void a_stop_during_postprocess_cancels_once_the_hook_is_gone() {
    String gate = unique("post");
    Job job =
        run(
            "{\"command\": [\"true\"], \"hooks\": {\"postprocess\": {\"command\": [\"sh\", \"-c\", "
                + json(service.gates().script(gate))
                + "]}}}",
            "{}");
    await().atMost(END).until(() -> log(job.id()).contains("postprocess hook started"));

    user.stopAndAwaitCanceled(job.id());

    assertThat(statuses(job.id()))
        .containsExactly(QUEUED, CLAIMED, RUNNING, RUN_DONE, CANCEL_REQUESTED, CANCELED);
    // The hook's closing line is written by the thread that ran it, which may come after the
    // move to CANCELED (as in the preprocess case above).
    await().atMost(END).until(() -> log(job.id()).contains("[jobkit] postprocess hook stopped"));
  }

  /**
   * A stop that lands as the run ends, before the postprocess hook's process exists, finds nothing
   * to kill and ends the job at once; the hook, started a moment later, must not outlive it (its
   * gate never opens). CI caught that hook running on; each stop here races the hook's start.
   */
  @Test
  void a_stop_as_the_run_ends_leaves_no_hook_running() {
    String gate = unique("never");
    String app =
        "{\"command\": [\"true\"], \"hooks\": {\"postprocess\": {\"command\": [\"sh\", \"-c\", "
            + json(service.gates().script(gate))
            + "]}}}";
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Job job = run(app, "{}");
      // Stops sent back to back, each applying in RUN_DONE only (409 before): the first to apply
      // lands within a request's time of the run's end, often before the hook's process exists.
      String stop = "/api/v1/jobs/" + job.id() + "/stop?expected_status=RUN_DONE";
      await()
          .atMost(END)
          .pollInterval(Duration.ZERO)
          .until(() -> user.post(stop, "").status(), s -> s == 200 || s == 202);
      jobs.add(job);
    }
    for (Job job : jobs) {
      user.awaitStatus(job.id(), CANCELED, END);
      await().atMost(END).until(() -> Processes.ofJob(job.id()).isEmpty());
    }
  }

  @Test
  void stage_in_downloads_from_http_and_checks_the_digest() throws Exception {
    String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/data.csv";
    Job good =
        run(
            "{\"command\": [\"cat\", \"d.csv\"], \"transfers\": {\"stage_in\": [{\"source\": "
                + json(url)
                + ", \"path\": \"d.csv\", \"sha256\": \""
                + sha256("a,b\n1,2\n")
                + "\"}]}}",
            "{}");
    String wrong = "0".repeat(64);
    Job bad =
        run(
            "{\"command\": [\"true\"], \"transfers\": {\"stage_in\": [{\"source\": "
                + json(url)
                + ", \"path\": \"d.csv\", \"sha256\": \""
                + wrong
                + "\"}]}}",
            "{}");

    user.awaitStatus(good.id(), SUCCEEDED, END);
    assertThat(statuses(good.id())).containsExactly(QUEUED, CLAIMED, STAGED_IN, RUNNING, SUCCEEDED);
    assertThat(log(good.id())).contains("a,b\n1,2\n");
    Job failed = user.awaitStatus(bad.id(), FAILED, END);
    assertThat(failed.lastError())
        .isEqualTo(
            "stage_in of d.csv: sha256 mismatch, expected "
                + wrong
                + " but got "
                + sha256("a,b\n1,2\n"));
    assertThat(statuses(bad.id())).containsExactly(QUEUED, CLAIMED, RUN_ERROR, FAILED);
  }

  @Test
  void a_source_outside_the_roots_by_dot_dot_or_symlink_fails_the_attempt() throws Exception {
    Path outside = Files.createTempFile("jobkit-outside-", ".txt");
    try {
      Path link = Files.createSymbolicLink(ROOT.resolve(unique("link")), outside);
      Job viaLink =
          run(
              "{\"command\": [\"true\"], \"transfers\": {\"stage_in\": [{\"source\": "
                  + json(link.toString())
                  + ", \"path\": \"x\"}]}}",
              "{}");
      Job notUnder =
          run(
              "{\"command\": [\"true\"], \"transfers\": {\"stage_in\": [{\"source\": "
                  + json(outside.toString())
                  + ", \"path\": \"x\"}]}}",
              "{}");

      for (Job job : List.of(viaLink, notUnder)) {
        Job failed = user.awaitStatus(job.id(), FAILED, END);
        assertThat(failed.lastError()).contains("is not under a transfer root");
      }
    } finally {
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void a_stage_out_of_a_missing_file_fails_the_attempt_after_the_run() {
    Job job =
        run(
            "{\"command\": [\"true\"], \"transfers\": {\"stage_out\": [{\"path\": \"none.txt\","
                + " \"destination\": "
                + json(ROOT.resolve("never.txt").toString())
                + "}]}}",
            "{}");

    Job failed = user.awaitStatus(job.id(), FAILED, END);

    assertThat(failed.lastError()).isEqualTo("stage_out: none.txt is not in the job's work dir");
    assertThat(statuses(job.id()))
        .containsExactly(QUEUED, CLAIMED, RUNNING, RUN_DONE, RUN_ERROR, FAILED);
  }

  @Test
  void stage_out_puts_a_file_to_an_http_url() {
    String path = "/upload/" + unique("result") + ".txt";
    String url = "http://127.0.0.1:" + http.getAddress().getPort() + path;
    Job job =
        run(
            "{\"shell\": \"echo uploaded > r.txt\", \"transfers\": {\"stage_out\":"
                + " [{\"path\": \"r.txt\", \"destination\": "
                + json(url)
                + "}]}}",
            "{}");

    user.awaitStatus(job.id(), SUCCEEDED, END);

    assertThat(statuses(job.id()))
        .containsExactly(QUEUED, CLAIMED, RUNNING, RUN_DONE, STAGED_OUT, SUCCEEDED);
    assertThat(uploaded).containsEntry(path, "uploaded\n");
  }
}
