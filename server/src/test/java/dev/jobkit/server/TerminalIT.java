package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.TerminalUrl;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Problems;
import dev.jobkit.server.support.TerminalClient;
import dev.jobkit.server.worker.Workers;
import java.io.IOException;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The web terminal over HTTP and its WebSocket: who may ask for one and when, the single-use
 * ticket, the origin check, and the shell itself (in the pod's work dir, with its environment, as
 * its user, resizable), which ends with its socket and with its job.
 */
class TerminalIT {

  @RegisterExtension static final JobkitService service = JobkitService.own();

  private static final AtomicInteger GATES = new AtomicInteger();

  private final Api api = service.user();
  private final Gates gates = service.gates();
  private final JobkitServer server = service.server();

  /** A running job of this class's user, with {@code pods} pods, and the gate that ends it. */
  private Job running(int pods, String gate) {
    Job job =
        api.submit(
            "{\"shell\":"
                + Api.JSON.writeValueAsString(gates.script(gate))
                + ",\"pod_count\":"
                + pods
                + ",\"display_name\":\"terminal-target\"}");
    return api.awaitStatus(job.id(), RUNNING);
  }

  private static String gate() {
    return "terminal-" + GATES.incrementAndGet();
  }

  private static String path(Job job, int pod) {
    return "/api/v1/jobs/" + job.id() + "/pods/" + pod + "/terminal";
  }

  private TerminalUrl ask(Api as, Job job, int pod) {
    return as.post(path(job, pod), "").expect(201).as(TerminalUrl.class);
  }

  private static int handshakeStatus(String socketUrl, String origin) {
    try {
      TerminalClient.connect(socketUrl, origin).close();
      return 101;
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
  }

  private List<JobEvent> terminalEvents(String jobId) {
    return api.events(jobId).stream()
        .filter(e -> e.kind() == EventKind.TERMINAL_OPENED || e.kind() == EventKind.TERMINAL_CLOSED)
        .toList();
  }

  @Test
  void the_owner_gets_a_single_use_url_of_the_page_and_of_the_socket_valid_for_sixty_seconds() {
    String gate = gate();
    Job job = running(2, gate);
    Instant before = Instant.now();

    Api.Response answer = api.post(path(job, 1), "").expect(201);
    JsonNode body = answer.json();
    TerminalUrl terminal = answer.as(TerminalUrl.class);

    assertThat(body.propertyNames())
        .containsExactlyInAnyOrder("url", "socket_url", "expires_at", "job_id", "pod");
    String ticket = terminal.url().substring(terminal.url().indexOf('#') + 1);
    assertThat(terminal.url()).isEqualTo(server.baseUrl() + "/terminal#" + ticket);
    assertThat(terminal.socketUrl())
        .isEqualTo(
            server.baseUrl().replaceFirst("^http", "ws")
                + "/api/v1/terminal/socket?ticket="
                + ticket);
    // 256 random bits, URL-safe base64 without padding.
    assertThat(ticket).matches("[A-Za-z0-9_-]{43}");
    assertThat(terminal.jobId()).isEqualTo(job.id());
    assertThat(terminal.pod()).isEqualTo(1);
    assertThat(terminal.expiresAt())
        .isBetween(before.plusSeconds(59), Instant.now().plusSeconds(61));
    assertThat(ask(api, job, 1).url()).isNotEqualTo(terminal.url());
    gates.open(gate);
  }

  @Test
  void only_the_owner_and_admins_may_ask_others_are_refused_as_for_any_change_of_the_job() {
    String gate = gate();
    Job job = running(1, gate);
    Api other = service.newUser("terminal-other", "parallel");

    // A private job is invisible to another user; a public one is visible but not theirs.
    Problems.assertRefused(other.post(path(job, 0), ""), 404, "not_found", null);
    api.patch("/api/v1/jobs/" + job.id(), "{\"accessibility\":\"PUBLIC\"}").expect(200);
    Api.Response refused = other.post(path(job, 0), "");
    Problems.assertRefused(refused, 403, "forbidden", null);
    assertThat(refused.json().path("detail").asString()).contains("owner or an admin");

    String share =
        api.post("/api/v1/jobs/" + job.id() + "/shares", "")
            .expect(201)
            .json()
            .get("token")
            .asString();
    Problems.assertRefused(
        new Api(server.baseUrl(), share).post(path(job, 0), ""), 403, "forbidden", null);
    Problems.assertRefused(server.anonymous().post(path(job, 0), ""), 401, "unauthorized", null);

    assertThat(ask(service.admin(), job, 0).jobId()).isEqualTo(job.id());
    gates.open(gate);
  }

  /**
   * A job acts for its owner with its token, but pods never share an account: a job may not open a
   * shell in another job of the same owner, nor in itself.
   */
  @Test
  void a_jobs_token_is_refused_even_for_a_job_of_the_same_owner() throws IOException {
    String gate = gate();
    Job target = running(1, gate);
    Job holder =
        api.submitShell(
            "echo \"$JOBKIT_TOKEN\" > \"$JOBKIT_OUTPUT_DIR/token\"; " + gates.script(gate));
    api.awaitStatus(holder.id(), RUNNING);
    Path tokenFile = server.jobDir(holder.id()).resolve("output/token");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(tokenFile) && Files.size(tokenFile) > 0);
    Api asJob = new Api(server.baseUrl(), Files.readString(tokenFile).strip());

    for (Job job : List.of(target, holder)) {
      Api.Response refused = asJob.post(path(job, 0), "");
      Problems.assertRefused(refused, 403, "forbidden", null);
      assertThat(refused.json().path("detail").asString()).contains("terminals are for people");
    }
    assertThat(terminalEvents(target.id())).isEmpty();
    gates.open(gate);
  }

  @Test
  void a_job_that_is_not_running_and_a_pod_that_does_not_run_are_refused_with_what_is_wrong() {
    Job ended = api.awaitEnd(api.submitShell("true").id());
    Api.Response notRunning = api.post(path(ended, 0), "");
    Problems.assertRefused(notRunning, 409, "invalid_state", null);
    assertThat(notRunning.json().path("current_status").asString()).isEqualTo("SUCCEEDED");
    assertThat(notRunning.json().path("detail").asString())
        .contains("SUCCEEDED")
        .contains("allowed only in RUNNING");

    String gate = gate();
    Job job = running(2, gate);
    Problems.assertRefused(api.post(path(job, 2), ""), 400, "validation_failed", "pod");
    Problems.assertRefused(api.post(path(job, -1), ""), 400, "validation_failed", "pod");
    Problems.assertRefused(api.post(path(job, 0) + "x", ""), 404, "not_found", null);
    Problems.assertRefused(
        api.post("/api/v1/jobs/" + job.id() + "/pods/one/terminal", ""),
        400,
        "validation_failed",
        "pod");
    Problems.assertRefused(
        api.post("/api/v1/jobs/job_nope/pods/0/terminal", ""), 404, "not_found", null);
    gates.open(gate);
  }

  @Test
  void the_shell_runs_in_the_pods_work_dir_with_its_environment_as_its_user_and_resizes()
      throws IOException {
    String gate = gate();
    Job job = running(1, gate);
    TerminalUrl terminal = ask(api, job, 0);

    try (TerminalClient shell = TerminalClient.connect(terminal.socketUrl(), null)) {
      shell.type("echo \"id=[$JOBKIT_JOB_ID] pod=[$JOBKIT_POD_INDEX]\"");
      shell.awaitScreen("id=[" + job.id() + "] pod=[0]");
      shell.type("echo \"dir=[$(pwd)]\"");
      Path workDir = server.jobDir(job.id()).resolve("pods").resolve("0");
      shell.awaitScreen("dir=[" + workDir.toRealPath() + "]");

      long podPid = api.awaitPids(job.id()).pods().get(0).pid();
      int podUid = uidOf(podPid);
      shell.type("echo \"uid=[$(id -u)]\"");
      shell.awaitScreen("uid=[" + podUid + "]");
      if (uidOf(ProcessHandle.current().pid()) == 0) {
        assertThat(podUid).as("a root service's pods are never root").isNotZero();
      }

      shell.control("{\"resize\":{\"cols\":123,\"rows\":45}}");
      shell.type("echo \"size=[$(stty size)]\"");
      shell.awaitScreen("size=[45 123]");

      shell.type("exit 7");
      assertThat(shell.awaitClosed()).isEqualTo(1000);
      assertThat(shell.texts())
          .containsExactly(
              "{\"connected\":{\"job_id\":\"" + job.id() + "\",\"pod\":0}}", "{\"exit\":7}");
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> terminalEvents(job.id()).size() == 2);
    List<JobEvent> events = terminalEvents(job.id());
    assertThat(events)
        .extracting(JobEvent::kind)
        .containsExactly(EventKind.TERMINAL_OPENED, EventKind.TERMINAL_CLOSED);
    assertThat(events).extracting(JobEvent::actor).containsOnly(api.name());
    assertThat(events).extracting(JobEvent::fromStatus).containsOnly(RUNNING);
    assertThat(events).extracting(JobEvent::toStatus).containsOnly(RUNNING);
    assertThat(events.get(0).reason()).isEqualTo("terminal on pod 0 opened by " + api.name());
    assertThat(events.get(1).reason()).isEqualTo("terminal on pod 0 closed (shell exited 7)");
    assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);
    gates.open(gate);
  }

  @Test
  void a_ticket_opens_once_and_a_foreign_origin_is_refused_without_using_it_up() {
    String gate = gate();
    Job job = running(1, gate);
    TerminalUrl terminal = ask(api, job, 0);

    assertThat(handshakeStatus(terminal.socketUrl(), "https://evil.example")).isEqualTo(403);
    assertThat(handshakeStatus(terminal.socketUrl(), server.baseUrl())).isEqualTo(101);
    assertThat(handshakeStatus(terminal.socketUrl(), server.baseUrl())).isEqualTo(403);
    assertThat(handshakeStatus(terminal.socketUrl(), null)).isEqualTo(403);
    assertThat(
            handshakeStatus(
                server.baseUrl().replaceFirst("^http", "ws") + "/api/v1/terminal/socket", null))
        .isEqualTo(403);
    gates.open(gate);
  }

  @Test
  void an_expired_ticket_is_refused() {
    try (JobkitServer shortLived = JobkitServer.start("--jobkit.console.terminal-ttl=300ms");
        Gates own = Gates.create()) {
      Api admin = shortLived.admin();
      Job job =
          admin.submit("{\"shell\":" + Api.JSON.writeValueAsString(own.script("expiry")) + "}");
      admin.awaitStatus(job.id(), RUNNING);
      TerminalUrl terminal = ask(admin, job, 0);
      assertThat(terminal.expiresAt()).isBefore(Instant.now().plusSeconds(1));

      await()
          .pollDelay(Duration.ofMillis(400))
          .atMost(Duration.ofSeconds(5))
          .until(() -> Instant.now().isAfter(terminal.expiresAt()));
      assertThat(handshakeStatus(terminal.socketUrl(), null)).isEqualTo(403);
      own.open("expiry");
      admin.awaitEnd(job.id());
    }
  }

  @Test
  void closing_the_socket_hangs_up_the_shell_and_what_it_started() throws IOException {
    String gate = gate();
    Job job = running(1, gate);
    TerminalClient shell = TerminalClient.connect(ask(api, job, 0).socketUrl(), null);
    shell.type("sleep 300 & echo \"bg=[$!] sh=[$$]\"");
    long background = Long.parseLong(shell.awaitNumber("bg"));
    long pid = Long.parseLong(shell.awaitNumber("sh"));
    assertThat(ProcessHandle.of(pid)).isPresent();

    shell.close();

    await().atMost(Duration.ofSeconds(15)).until(() -> !alive(pid) && !alive(background));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                terminalEvents(job.id()).stream()
                    .anyMatch(e -> e.kind() == EventKind.TERMINAL_CLOSED));
    assertThat(terminalEvents(job.id()).get(1).reason())
        .isEqualTo("terminal on pod 0 closed (its connection closed; the shell was hung up)");
    assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);
    gates.open(gate);
  }

  @Test
  void stopping_the_job_ends_its_terminal() {
    Job job = running(1, gate());
    try (TerminalClient shell = TerminalClient.connect(ask(api, job, 0).socketUrl(), null)) {
      long pid = Long.parseLong(shell.awaitNumberAfter("echo \"sh=[$$]\"", "sh"));

      api.stopAndAwaitCanceled(job.id());

      assertThat(shell.awaitClosed()).isEqualTo(1000);
      assertThat(shell.texts()).hasSize(2).last().asString().startsWith("{\"exit\":");
      assertThat(alive(pid)).isFalse();
      assertThat(dev.jobkit.server.support.Processes.ofJob(job.id())).isEmpty();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> terminalEvents(job.id()).size() == 2);
  }

  @Test
  void a_job_that_ends_on_its_own_ends_its_terminal() {
    String gate = gate();
    Job job = running(1, gate);
    try (TerminalClient shell = TerminalClient.connect(ask(api, job, 0).socketUrl(), null)) {
      long pid = Long.parseLong(shell.awaitNumberAfter("echo \"sh=[$$]\"", "sh"));

      gates.open(gate);

      assertThat(shell.awaitClosed()).isEqualTo(1000);
      assertThat(shell.texts()).hasSize(2).last().asString().startsWith("{\"exit\":");
      assertThat(alive(pid)).isFalse();
    }
    assertThat(api.awaitEnd(job.id()).status())
        .isEqualTo(dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED);
  }

  @Test
  void a_pod_an_external_worker_runs_is_refused_with_where_it_runs(@TempDir Path workDir) {
    try (JobkitServer controlPlane = JobkitServer.start("--jobkit.workers.local=false");
        Gates own = Gates.create()) {
      Api admin = controlPlane.admin();
      String key = Workers.newWorkerKey(admin, "terminal-worker-" + System.nanoTime());
      Workers.Running worker = Workers.start(controlPlane.baseUrl(), key, 1, workDir);
      try {
        Job job = admin.submit("{\"shell\":" + Api.JSON.writeValueAsString(own.script("w")) + "}");
        admin.awaitStatus(job.id(), RUNNING);

        Api.Response refused = admin.post(path(job, 0), "");

        Problems.assertRefused(refused, 409, "conflict", null);
        assertThat(refused.json().path("reason").asString()).isEqualTo("pod_not_local");
        assertThat(refused.json().path("detail").asString())
            .contains("runs on the external worker " + worker.workerId());
        own.open("w");
        admin.awaitEnd(job.id());
      } finally {
        worker.stop();
      }
    }
  }

  private static boolean alive(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String text = Files.readString(stat);
      return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException gone) {
      return false;
    }
  }

  private static int uidOf(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("Uid:")) {
        return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]);
      }
    }
    throw new IllegalStateException("no Uid line for " + pid);
  }
}
