package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * The worker protocol (docs/workers.md) against a service that runs no job itself ({@code
 * jobkit.workers.local=false}): the test is the worker, over raw HTTP. Claims expire after {@value
 * #TTL_SECONDS} s without a heartbeat; the workers a test keeps alive heartbeat every 300 ms.
 */
class WorkerProtocolIT {

  static final int TTL_SECONDS = 10;
  static final int LOG_LIMIT = 1024;

  @RegisterExtension
  static final JobkitService service =
      JobkitService.own(
          "--jobkit.workers.local=false",
          "--jobkit.workers.claim-ttl=" + TTL_SECONDS + "s",
          "--jobkit.scheduling.parallel-limit=1000",
          "--jobkit.executor.max-log-bytes-per-pod=" + LOG_LIMIT + "B");

  static JobkitServer server;
  static Api admin;

  /** A worker account's key, and a second account's. */
  static Api workerKey;

  static Api otherWorkerKey;

  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final List<Api> users = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService heartbeats;

  /** A registered worker, acting through {@code api}. */
  record Worker(String id, Api api) {}

  @BeforeAll
  static void accounts() {
    server = service.server();
    admin = service.admin();
    workerKey = workerAccount();
    otherWorkerKey = workerAccount();
  }

  static Api workerAccount() {
    String name = "wk-" + UUID.randomUUID().toString().substring(0, 8);
    admin.post("/api/v1/users", "{\"name\":\"" + name + "\",\"role\":\"worker\"}").expect(201);
    String key =
        admin.post("/api/v1/users/" + name + "/keys", "").expect(201).json().get("key").asString();
    return new Api(server.baseUrl(), key, name);
  }

  @BeforeEach
  void heartbeats() {
    heartbeats = Executors.newSingleThreadScheduledExecutor();
  }

  /**
   * The jobs of a test end with it: its workers deregister (their claims go back to the queue or
   * end), then its users' jobs are flushed, so the next test's claims find none of them.
   */
  @AfterEach
  void cleanUp() throws InterruptedException {
    heartbeats.shutdownNow();
    heartbeats.awaitTermination(10, TimeUnit.SECONDS);
    for (Worker w : workers) {
      int status = w.api().delete("/api/v1/internal/workers/" + w.id()).status();
      assertThat(status).isIn(204, 410);
    }
    for (Api user : users) {
      user.flushAndAwait("scope=active");
    }
  }

  // ---- helpers

  Api user(String mode) {
    Api user = service.newUser("wp", mode);
    users.add(user);
    return user;
  }

  Worker register(Api account, String name, String appsJson, boolean keepAlive) {
    JsonNode answer =
        account
            .post(
                "/api/v1/internal/workers",
                "{\"name\":\""
                    + name
                    + "\",\"slots\":4"
                    + (appsJson == null ? "" : ",\"apps\":" + appsJson)
                    + "}")
            .expect(201)
            .json();
    Worker worker = new Worker(answer.get("id").asString(), account);
    assertThat(worker.id()).startsWith("wkr_");
    workers.add(worker);
    if (keepAlive) {
      heartbeats.scheduleWithFixedDelay(
          () -> {
            try {
              account.post("/api/v1/internal/workers/" + worker.id() + "/heartbeat", "{}");
            } catch (RuntimeException serviceDown) {
              // restarting: the next one reaches it
            }
          },
          0,
          300,
          TimeUnit.MILLISECONDS);
    }
    return worker;
  }

  Worker register(String name) {
    return register(workerKey, name, null, true);
  }

  static List<JsonNode> claim(Worker w, int max) {
    return claim(w, max, null);
  }

  static List<JsonNode> claim(Worker w, int max, String appsJson) {
    JsonNode answer =
        w.api()
            .post(
                "/api/v1/internal/jobs/claim",
                "{\"worker_id\":\""
                    + w.id()
                    + "\",\"max_jobs\":"
                    + max
                    + (appsJson == null ? "" : ",\"apps\":" + appsJson)
                    + "}")
            .expect(200)
            .json();
    List<JsonNode> jobs = new ArrayList<>();
    answer.get("jobs").forEach(jobs::add);
    return jobs;
  }

  static Api.Response report(Worker w, String jobId, String what, String fields) {
    return w.api()
        .post(
            "/api/v1/internal/jobs/" + jobId + "/" + what,
            "{\"worker_id\":\"" + w.id() + "\"" + (fields.isEmpty() ? "" : "," + fields) + "}");
  }

  static void running(Worker w, String jobId) {
    JsonNode state =
        report(w, jobId, "transition", "\"to\":\"RUNNING\",\"pids\":[4242]").expect(200).json();
    assertThat(state.get("status").asString()).isEqualTo("RUNNING");
  }

  static Api.Response log(Worker w, String jobId, int pod, long offset, String text) {
    return w.api()
        .send(
            "POST",
            "/api/v1/internal/jobs/"
                + jobId
                + "/pods/"
                + pod
                + "/log?worker_id="
                + w.id()
                + "&offset="
                + offset,
            text,
            "Content-Type",
            "application/octet-stream");
  }

  static String id(JsonNode claimed) {
    return claimed.get("job_id").asString();
  }

  static Job submit(Api user, String spec) {
    return user.submit(spec);
  }

  // ---- registration

  @Test
  void a_worker_registers_and_is_listed_to_its_account_and_to_admins_only() {
    Worker mine = register(workerKey, "box-a", "[\"echo\"]", true);
    Worker theirs = register(otherWorkerKey, "box-b", null, true);

    JsonNode listed = workerKey.get("/api/v1/internal/workers").expect(200).json().get("items");
    List<String> ids = new ArrayList<>();
    listed.forEach(w -> ids.add(w.get("id").asString()));
    assertThat(ids).contains(mine.id()).doesNotContain(theirs.id());
    JsonNode me = listed.get(ids.indexOf(mine.id()));
    assertThat(me.get("name").asString()).isEqualTo("box-a");
    assertThat(me.get("registered_by").asString()).isEqualTo(workerKey.name());
    assertThat(me.get("slots").asInt()).isEqualTo(4);
    assertThat(me.get("apps").get(0).asString()).isEqualTo("echo");
    assertThat(me.get("claim_ttl_seconds").asDouble()).isEqualTo(TTL_SECONDS);
    assertThat(me.get("heartbeat_interval_seconds").asDouble())
        .isEqualTo(TTL_SECONDS / 3.0, org.assertj.core.data.Offset.offset(0.01));

    List<String> all = new ArrayList<>();
    admin
        .get("/api/v1/internal/workers")
        .expect(200)
        .json()
        .get("items")
        .forEach(w -> all.add(w.get("id").asString()));
    assertThat(all).contains(mine.id(), theirs.id());
  }

  @Test
  void only_worker_keys_and_admins_call_the_protocol_and_a_worker_key_nothing_else() {
    Api user = user("parallel");
    Worker worker = register("box");
    Job job = submit(user, "{\"command\":[\"true\"]}");

    assertThat(
            user.post("/api/v1/internal/workers", "{\"name\":\"x\"}")
                .expect(403)
                .json()
                .get("code")
                .asString())
        .isEqualTo("forbidden");
    user.post("/api/v1/internal/jobs/claim", "{\"worker_id\":\"" + worker.id() + "\"}").expect(403);
    user.get("/api/v1/internal/workers").expect(403);
    // A worker key submits, reads and stops no job.
    workerKey.post("/api/v1/jobs", "{\"command\":[\"true\"]}").expect(403);
    workerKey.get("/api/v1/jobs/" + job.id()).expect(403);
    workerKey.get("/api/v1/me").expect(200);

    // The job token of a claimed attempt is the job's owner acting, not a worker.
    String token = claim(worker, 1).get(0).get("token").asString();
    Api asJob = server.withKey(token);
    asJob
        .post("/api/v1/internal/jobs/claim", "{\"worker_id\":\"" + worker.id() + "\"}")
        .expect(403);
    // A share token neither.
    String share =
        user.post("/api/v1/jobs/" + job.id() + "/shares", "{}")
            .expect(201)
            .json()
            .get("token")
            .asString();
    server.withKey(share).get("/api/v1/internal/workers").expect(403);

    // Another worker account may not act as this worker; an admin may.
    assertThat(
            otherWorkerKey
                .post("/api/v1/internal/workers/" + worker.id() + "/heartbeat", "{}")
                .expect(403)
                .json()
                .get("code")
                .asString())
        .isEqualTo("forbidden");
    admin.post("/api/v1/internal/workers/" + worker.id() + "/heartbeat", "{}").expect(200);
  }

  // ---- claims

  @Test
  void two_workers_claiming_200_jobs_at_once_claim_each_exactly_once() throws Exception {
    Api user = user("parallel");
    StringBuilder batch = new StringBuilder("{\"jobs\":[");
    for (int i = 0; i < 200; i++) {
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"command\":[\"true\"],\"priority\":")
          .append(1 + i % 9)
          .append('}');
    }
    Set<String> submitted = new HashSet<>();
    user.post("/api/v1/jobs/batch", batch.append("]}").toString())
        .expect(201)
        .json()
        .get("items")
        .forEach(j -> submitted.add(j.get("id").asString()));
    // The service's own executor takes none of them.
    Job waiting = user.job(submitted.iterator().next());
    assertThat(waiting.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(waiting.statusReason()).startsWith("waiting for a worker to claim it");

    Worker a = register("box-a");
    Worker b = register("box-b");
    CountDownLatch start = new CountDownLatch(1);
    List<String> claimedByA = Collections.synchronizedList(new ArrayList<>());
    List<String> claimedByB = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> ca = claimAll(a, start, claimedByA);
    CompletableFuture<Void> cb = claimAll(b, start, claimedByB);
    start.countDown();
    CompletableFuture.allOf(ca, cb).get(3, TimeUnit.MINUTES);

    List<String> all = new ArrayList<>(claimedByA);
    all.addAll(claimedByB);
    assertThat(all).doesNotHaveDuplicates();
    assertThat(new HashSet<>(all)).isEqualTo(submitted);
    assertThat(claimedByA).isNotEmpty();
    assertThat(claimedByB).isNotEmpty();
    String one = claimedByB.get(0);
    JobEvent claimEvent = user.events(one).get(1);
    assertThat(claimEvent.toStatus()).isEqualTo(JobStatus.CLAIMED);
    assertThat(claimEvent.actorKind()).isEqualTo(ActorKind.WORKER);
    assertThat(claimEvent.actor()).isEqualTo(b.id());
  }

  private CompletableFuture<Void> claimAll(Worker w, CountDownLatch start, List<String> into) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          while (true) {
            List<JsonNode> got = claim(w, 7);
            if (got.isEmpty()) {
              return;
            }
            got.forEach(j -> into.add(id(j)));
          }
        });
  }

  @Test
  void a_claim_comes_in_queue_order_and_with_what_the_worker_needs() {
    Api user = user("parallel");
    Job low = submit(user, "{\"shell\":\"echo low\",\"priority\":2,\"env\":{\"A\":\"1\"}}");
    Job high =
        submit(
            user,
            "{\"command\":[\"echo\",\"high\"],\"priority\":9,\"pod_count\":2,"
                + "\"timeout_seconds\":60,\"max_attempts\":3}");
    Worker w = register("box");

    List<JsonNode> claimed = claim(w, 10);
    assertThat(claimed).extracting(WorkerProtocolIT::id).containsExactly(high.id(), low.id());
    JsonNode first = claimed.get(0);
    assertThat(first.get("attempt").asInt()).isEqualTo(1);
    assertThat(first.get("max_attempts").asInt()).isEqualTo(3);
    assertThat(first.get("owner").asString()).isEqualTo(user.name());
    assertThat(first.get("command").get(1).asString()).isEqualTo("high");
    assertThat(first.get("pod_count").asInt()).isEqualTo(2);
    assertThat(first.get("timeout_seconds").asInt()).isEqualTo(60);
    assertThat(first.get("token").asString()).startsWith("jkt_");
    assertThat(first.get("log_offsets").size()).isEqualTo(2);
    assertThat(claimed.get(1).get("shell").asString()).isEqualTo("echo low");
    assertThat(claimed.get(1).get("env").get("A").asString()).isEqualTo("1");
    // The token works for the job's own calls while the claim lasts.
    server.withKey(first.get("token").asString()).get("/api/v1/jobs/" + high.id()).expect(200);
    assertThat(claim(w, 10)).isEmpty();
  }

  @Test
  void a_worker_claims_only_jobs_of_its_apps() {
    String app = "wp-" + UUID.randomUUID().toString().substring(0, 8);
    admin
        .put(
            "/api/v1/apps/" + app,
            "{\"command\":[\"echo\",\"{text}\"],\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"text\":{\"type\":\"string\"}}}}")
        .expect(200);
    Api user = user("parallel");
    Job plain = submit(user, "{\"command\":[\"true\"],\"priority\":9}");
    Job ofApp = submit(user, "{\"app\":\"" + app + "\",\"parameters\":{\"text\":\"hi\"}}");
    Worker registeredForApp = register(workerKey, "app-box", "[\"" + app + "\"]", true);
    Worker any = register("any-box");

    List<JsonNode> claimed = claim(registeredForApp, 10);
    assertThat(claimed).extracting(WorkerProtocolIT::id).containsExactly(ofApp.id());
    assertThat(claimed.get(0).get("app").asString()).isEqualTo(app);
    assertThat(claimed.get(0).get("parameters").get("text").asString()).isEqualTo("hi");
    // A claim's own filter, for a worker of any app: none of that other app.
    assertThat(claim(any, 10, "[\"no-such-app\"]")).isEmpty();
    assertThat(claim(any, 10)).extracting(WorkerProtocolIT::id).containsExactly(plain.id());
  }

  @Test
  void a_job_whose_app_has_hooks_or_transfers_is_never_claimed_by_a_worker() {
    String hooked = "wp-hook-" + UUID.randomUUID().toString().substring(0, 8);
    admin
        .put(
            "/api/v1/apps/" + hooked,
            "{\"command\":[\"true\"],\"hooks\":{\"preprocess\":{\"command\":[\"true\"]}}}")
        .expect(200);
    String staged = "wp-stage-" + UUID.randomUUID().toString().substring(0, 8);
    admin
        .put(
            "/api/v1/apps/" + staged,
            "{\"command\":[\"true\"],\"transfers\":{\"stage_out\":"
                + "[{\"path\":\"out.txt\",\"destination\":\"/tmp/wp-out.txt\"}]}}")
        .expect(200);
    Api user = user("parallel");
    Job withHook = submit(user, "{\"app\":\"" + hooked + "\",\"priority\":9}");
    Job withTransfer = submit(user, "{\"app\":\"" + staged + "\",\"priority\":9}");
    Job plain = submit(user, "{\"command\":[\"true\"]}");
    Worker any = register("any-box");
    Worker forApps =
        register(workerKey, "apps-box", "[\"" + hooked + "\",\"" + staged + "\"]", true);

    // An external worker would run the command without its app's steps: these wait for a
    // service's executor, and the worker takes what it can run the same.
    assertThat(claim(forApps, 10)).isEmpty();
    assertThat(claim(any, 10)).extracting(WorkerProtocolIT::id).containsExactly(plain.id());
    assertThat(user.job(withHook.id()).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(user.job(withTransfer.id()).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(user.job(withHook.id()).statusReason())
        .contains("a job whose app has hooks or transfers waits for a service that runs jobs");
  }

  @Test
  void a_serial_owner_runs_one_job_at_a_time_across_workers() {
    Api serial = user("serial");
    Job first = submit(serial, "{\"command\":[\"true\"]}");
    Job second = submit(serial, "{\"command\":[\"true\"]}");
    Worker a = register("box-a");
    Worker b = register("box-b");

    assertThat(claim(a, 10)).extracting(WorkerProtocolIT::id).containsExactly(first.id());
    assertThat(claim(b, 10)).isEmpty();
    assertThat(claim(a, 10)).isEmpty();
    assertThat(serial.job(second.id()).status()).isEqualTo(JobStatus.QUEUED);

    running(a, first.id());
    report(a, first.id(), "complete", "\"exit_codes\":[0]").expect(200);
    assertThat(serial.job(first.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(claim(b, 10)).extracting(WorkerProtocolIT::id).containsExactly(second.id());
  }

  // ---- a job's run

  @Test
  void a_job_runs_on_a_worker_from_claim_to_success_with_log_results_and_reports()
      throws Exception {
    Api user = user("parallel");
    Job job = submit(user, "{\"command\":[\"train\"]}");
    Worker w = register("box");
    assertThat(claim(w, 1)).extracting(WorkerProtocolIT::id).containsExactly(job.id());

    JsonNode ack = report(w, job.id(), "acknowledge", "").expect(200).json();
    assertThat(ack.get("status").asString()).isEqualTo("CLAIMED");
    assertThat(ack.get("attempt").asInt()).isEqualTo(1);
    running(w, job.id());
    assertThat(user.job(job.id()).pods().get(0).pid()).isEqualTo(4242L);

    assertThat(log(w, job.id(), 0, 0, "epoch 1\n").expect(200).json().get("size").asLong())
        .isEqualTo(8);
    // The same chunk again (its answer was lost): nothing is written twice.
    assertThat(log(w, job.id(), 0, 0, "epoch 1\n").expect(200).json().get("size").asLong())
        .isEqualTo(8);
    // A chunk that overlaps the end: only its new bytes are added.
    assertThat(log(w, job.id(), 0, 6, "1\nepoch 2\n").expect(200).json().get("size").asLong())
        .isEqualTo(16);
    JsonNode gap = log(w, job.id(), 0, 99, "lost?\n").expect(409).json();
    assertThat(gap.get("code").asString()).isEqualTo("log_gap");
    assertThat(gap.get("size").asLong()).isEqualTo(16);
    assertThat(
            user.get("/api/v1/jobs/" + job.id() + "/log")
                .expect(200)
                .json()
                .get("content")
                .asString())
        .isEqualTo("epoch 1\nepoch 2\n");

    w.api()
        .post(
            "/api/v1/internal/workers/" + w.id() + "/heartbeat",
            "{\"jobs\":[{\"job_id\":\""
                + job.id()
                + "\",\"progress\":{\"percent\":50,\"message\":\"epoch 2/4\"},"
                + "\"metrics\":{\"loss\":0.5}}]}")
        .expect(200);
    Job reported = user.job(job.id());
    assertThat(reported.progress().percent()).isEqualTo(50.0);
    assertThat(reported.progress().message()).isEqualTo("epoch 2/4");
    assertThat(reported.metrics()).containsEntry("loss", 0.5);

    String content = "{\"accuracy\": 0.93}\n";
    JsonNode stored =
        w.api()
            .send(
                "PUT",
                "/api/v1/internal/jobs/"
                    + job.id()
                    + "/results/model/metrics.json?worker_id="
                    + w.id(),
                content,
                "Content-Type",
                "application/octet-stream")
            .expect(200)
            .json();
    assertThat(stored.get("path").asString()).isEqualTo("model/metrics.json");

    JsonNode done =
        report(w, job.id(), "complete", "\"exit_codes\":[0],\"metrics\":{\"loss\":0.25}")
            .expect(200)
            .json();
    assertThat(done.get("status").asString()).isEqualTo("SUCCEEDED");

    Job ended = user.job(job.id());
    assertThat(ended.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(ended.metrics()).containsEntry("loss", 0.25);
    assertThat(ended.attempts().get(0).outcome()).isEqualTo(JobStatus.SUCCEEDED);
    JsonNode results = user.get("/api/v1/jobs/" + job.id() + "/results").expect(200).json();
    assertThat(results.get("final").asBoolean()).isTrue();
    JsonNode file = results.get("files").get(0);
    assertThat(file.get("path").asString()).isEqualTo("model/metrics.json");
    assertThat(file.get("sha256").asString())
        .isEqualTo(Keys.sha256(content.getBytes(StandardCharsets.UTF_8)));

    List<JobEvent> events = user.events(job.id());
    assertThat(events)
        .extracting(JobEvent::kind, JobEvent::toStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(EventKind.TRANSITION, JobStatus.QUEUED),
            org.assertj.core.groups.Tuple.tuple(EventKind.TRANSITION, JobStatus.CLAIMED),
            org.assertj.core.groups.Tuple.tuple(EventKind.ACKNOWLEDGED, JobStatus.CLAIMED),
            org.assertj.core.groups.Tuple.tuple(EventKind.TRANSITION, JobStatus.RUNNING),
            org.assertj.core.groups.Tuple.tuple(EventKind.TRANSITION, JobStatus.SUCCEEDED));
    for (JobEvent e : events.subList(1, events.size())) {
      assertThat(e.actorKind()).as(e.toString()).isEqualTo(ActorKind.WORKER);
      assertThat(e.actor()).as(e.toString()).isEqualTo(w.id());
    }
    // A report after the end: the job has moved on.
    JsonNode late = report(w, job.id(), "complete", "\"exit_codes\":[0]").expect(409).json();
    assertThat(late.get("code").asString()).isEqualTo("invalid_state");
    assertThat(late.get("current_status").asString()).isEqualTo("SUCCEEDED");
  }

  @Test
  void a_raw_body_of_another_type_is_a_415_to_its_worker_and_a_403_to_anyone_else() {
    Api user = user("parallel");
    Job job = submit(user, "{\"command\":[\"x\"]}");
    Worker w = register("box");
    claim(w, 1);
    running(w, job.id());
    String log = "/api/v1/internal/jobs/" + job.id() + "/pods/0/log?worker_id=" + w.id();
    String result = "/api/v1/internal/jobs/" + job.id() + "/results/a.txt?worker_id=" + w.id();

    assertRefused(w.api().post(log + "&offset=0", "{}"), 415, "unsupported_media_type");
    assertRefused(
        w.api().put(result, "x", "Content-Type", "text/plain"), 415, "unsupported_media_type");
    assertRefused(
        w.api().send("PUT", result, "x", "Content-Type", "not a type"),
        415,
        "unsupported_media_type");
    // Who may not call the route at all is told that first, whatever type the body has.
    assertRefused(user.post(log + "&offset=0", "{}"), 403, "forbidden");
    assertRefused(user.put(result, "x", "Content-Type", "text/plain"), 403, "forbidden");
    assertThat(log(w, job.id(), 0, 0, "fine\n").expect(200).json().get("size").asLong())
        .isEqualTo(5);
  }

  private static void assertRefused(Api.Response answer, int status, String code) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.json().path("code").asString()).as(answer.body()).isEqualTo(code);
  }

  @Test
  void a_log_sent_by_a_worker_is_cut_at_the_limit_of_the_service() {
    Api user = user("parallel");
    Job job = submit(user, "{\"command\":[\"x\"]}");
    Worker w = register("box");
    claim(w, 1);
    running(w, job.id());
    String line = "0123456789".repeat(9) + "\n"; // 91 bytes
    long size = 0;
    for (int i = 0; i < 11; i++) {
      JsonNode answer = log(w, job.id(), 0, size, line).expect(200).json();
      size = answer.get("size").asLong();
      assertThat(answer.get("cut").asBoolean()).isFalse();
    }
    assertThat(size).isEqualTo(1001);
    JsonNode cut = log(w, job.id(), 0, size, line).expect(200).json();
    assertThat(cut.get("cut").asBoolean()).isTrue();
    String marker =
        "\n[jobkit] log cut at "
            + LOG_LIMIT
            + " bytes: the limit jobkit.executor.max-log-bytes-per-pod was reached; further output"
            + " is discarded\n";
    assertThat(cut.get("size").asLong()).isEqualTo(LOG_LIMIT + marker.length());
    // What comes after is discarded.
    JsonNode after = log(w, job.id(), 0, cut.get("size").asLong(), line).expect(200).json();
    assertThat(after.get("size").asLong()).isEqualTo(cut.get("size").asLong());
    assertThat(after.get("cut").asBoolean()).isTrue();
    String content =
        user.get("/api/v1/jobs/" + job.id() + "/log?tail_chars=5000")
            .expect(200)
            .json()
            .get("content")
            .asString();
    assertThat(content).endsWith(marker).hasSize(LOG_LIMIT + marker.length());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "user, RESTART_READY, RUN_ERROR",
    "resource, RESTART_READY, RUN_ERROR",
    "system, RESTART_READY, RUN_ERROR",
    "timeout, RESTART_READY, RUN_TIMEOUT",
    "validation, FAILED, RUN_ERROR"
  })
  void a_failure_of_each_kind_is_retried_or_fails_as_documented(
      String kind, JobStatus after, JobStatus through) {
    Api user = user("parallel");
    Job job = submit(user, "{\"command\":[\"x\"],\"max_attempts\":2}");
    Worker w = register("box");
    claim(w, 1);
    running(w, job.id());

    JsonNode answer =
        report(
                w,
                job.id(),
                "fail",
                "\"kind\":\""
                    + kind
                    + "\",\"message\":\"it broke\",\"details\":{\"where\":\"step 3\"},"
                    + "\"exit_code\":3")
            .expect(200)
            .json();
    assertThat(answer.get("status").asString()).isEqualTo(after.name());
    Job failed = user.job(job.id());
    assertThat(failed.status()).isEqualTo(after);
    assertThat(failed.lastError()).isEqualTo(kind + ": it broke");
    List<JobEvent> events = user.events(job.id());
    JobEvent into = events.stream().filter(e -> e.toStatus() == through).findFirst().orElseThrow();
    assertThat(into.actor()).isEqualTo(w.id());
    assertThat(into.reason()).contains(kind + ": it broke").contains("step 3");
    assertThat(failed.attempts().get(0).outcome()).isEqualTo(through);

    if (after == JobStatus.RESTART_READY) {
      // Retried: claimable again, as attempt 2.
      List<JsonNode> again = claim(w, 1);
      assertThat(again).extracting(WorkerProtocolIT::id).containsExactly(job.id());
      assertThat(again.get(0).get("attempt").asInt()).isEqualTo(2);
    }
  }

  @Test
  void a_failure_before_the_run_is_an_attempt_too() {
    Api user = user("parallel");
    Job job = submit(user, "{\"command\":[\"x\"],\"max_attempts\":1}");
    Worker w = register("box");
    claim(w, 1);
    report(w, job.id(), "transition", "\"to\":\"STAGED_IN\"").expect(200);
    report(w, job.id(), "fail", "\"kind\":\"resource\",\"message\":\"disk full\"").expect(200);
    Job failed = user.job(job.id());
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(failed.attempts()).hasSize(1);
    assertThat(failed.attempts().get(0).error()).isEqualTo("resource: disk full");
  }

  @Test
  void a_non_zero_exit_code_is_a_run_error_retried_while_attempts_remain() {
    Api user = user("parallel");
    Job job = submit(user, "{\"command\":[\"x\"],\"max_attempts\":2,\"pod_count\":2}");
    Worker w = register("box");
    claim(w, 1);
    report(w, job.id(), "transition", "\"to\":\"RUNNING\",\"pids\":[11,12]").expect(200);
    JsonNode answer = report(w, job.id(), "complete", "\"exit_codes\":[0,7]").expect(200).json();
    assertThat(answer.get("status").asString()).isEqualTo("RESTART_READY");
    assertThat(user.job(job.id()).lastError()).isEqualTo("pod 1 exited with code 7");
  }

  // ---- ownership

  @Test
  void only_the_worker_that_claimed_a_job_moves_it() {
    Api user = user("parallel");
    Job job = submit(user, "{\"command\":[\"x\"]}");
    Worker owner = register("owner-box");
    Worker other = register("other-box");
    claim(owner, 1);

    for (Api.Response refused :
        List.of(
            report(other, job.id(), "acknowledge", ""),
            report(other, job.id(), "transition", "\"to\":\"RUNNING\",\"pids\":[1]"),
            report(other, job.id(), "fail", "\"kind\":\"user\",\"message\":\"no\""),
            log(other, job.id(), 0, 0, "x"))) {
      JsonNode problem = refused.expect(403).json();
      assertThat(problem.get("code").asString()).isEqualTo("not_claim_owner");
      assertThat(problem.get("owner_worker_id").asString()).isEqualTo(owner.id());
    }
    assertThat(user.job(job.id()).status()).isEqualTo(JobStatus.CLAIMED);
    // Its owner may; a worker key of another account may not act as it at all.
    running(owner, job.id());
    otherWorkerKey
        .post(
            "/api/v1/internal/jobs/" + job.id() + "/complete",
            "{\"worker_id\":\"" + owner.id() + "\",\"exit_codes\":[0]}")
        .expect(403);
    // A phase the lifecycle does not allow from RUNNING: the job stays.
    JsonNode back =
        report(owner, job.id(), "transition", "\"to\":\"STAGED_IN\"").expect(409).json();
    assertThat(back.get("code").asString()).isEqualTo("invalid_state");
    assertThat(back.get("current_status").asString()).isEqualTo("RUNNING");
  }

  // ---- expiry and stops

  @Test
  void a_claim_its_worker_does_not_acknowledge_within_the_ttl_goes_back_to_the_queue() {
    Api user = user("parallel");
    Job acknowledged = submit(user, "{\"command\":[\"x\"],\"priority\":9}");
    Job forgotten = submit(user, "{\"command\":[\"x\"],\"priority\":8}");
    Worker w = register("box");
    assertThat(claim(w, 2))
        .extracting(WorkerProtocolIT::id)
        .containsExactly(acknowledged.id(), forgotten.id());
    report(w, acknowledged.id(), "acknowledge", "").expect(200);

    Job released =
        user.awaitStatus(forgotten.id(), JobStatus.QUEUED, Duration.ofSeconds(TTL_SECONDS + 30));
    assertThat(released.statusReason())
        .isEqualTo(
            "claim released: worker "
                + w.id()
                + " did not acknowledge it within "
                + TTL_SECONDS
                + "s");
    // Claimed in the same call, so as old: the acknowledged one stays the worker's.
    assertThat(user.job(acknowledged.id()).status()).isEqualTo(JobStatus.CLAIMED);
    JsonNode late = report(w, forgotten.id(), "acknowledge", "").expect(409).json();
    assertThat(late.get("current_status").asString()).isEqualTo("QUEUED");
  }

  @Test
  void a_worker_that_stops_heartbeating_loses_its_claims_and_its_running_job_is_retried() {
    Api user = user("parallel");
    Job claimedOnly = submit(user, "{\"command\":[\"x\"],\"priority\":9,\"max_attempts\":2}");
    Job launched = submit(user, "{\"command\":[\"x\"],\"priority\":8,\"max_attempts\":2}");
    Worker silent = register(workerKey, "silent-box", null, false);
    assertThat(claim(silent, 2))
        .extracting(WorkerProtocolIT::id)
        .containsExactly(claimedOnly.id(), launched.id());
    // Acknowledged: else its claim would also lapse unacknowledged, a TTL after the claim, which
    // is a moment before the heartbeat below lapses; a sweep between the two would release it for
    // that reason instead (CI saw it under load).
    report(silent, claimedOnly.id(), "acknowledge", "").expect(200);
    silent.api().post("/api/v1/internal/workers/" + silent.id() + "/heartbeat", "{}").expect(200);
    running(silent, launched.id());
    // From here on it sends nothing.

    Job requeued =
        user.awaitStatus(claimedOnly.id(), JobStatus.QUEUED, Duration.ofSeconds(TTL_SECONDS + 30));
    assertThat(requeued.statusReason())
        .isEqualTo(
            "claim released: worker "
                + silent.id()
                + " sent no heartbeat for "
                + TTL_SECONDS
                + "s");
    Job retried = user.awaitStatus(launched.id(), JobStatus.RESTART_READY, Duration.ofSeconds(30));
    String lost = "lost: worker " + silent.id() + " sent no heartbeat for " + TTL_SECONDS + "s";
    assertThat(retried.lastError()).isEqualTo(lost);
    assertThat(user.events(launched.id()))
        .anySatisfy(
            e -> {
              assertThat(e.toStatus()).isEqualTo(JobStatus.RUN_TIMEOUT);
              assertThat(e.reason()).isEqualTo(lost);
            });

    // Its next call: gone, and so are its claims.
    JsonNode gone =
        silent
            .api()
            .post("/api/v1/internal/workers/" + silent.id() + "/heartbeat", "{}")
            .expect(410)
            .json();
    assertThat(gone.get("code").asString()).isEqualTo("worker_expired");
    report(silent, launched.id(), "complete", "\"exit_codes\":[0]").expect(410);
    claim410(silent);

    Worker next = register("next-box");
    List<JsonNode> again = claim(next, 10);
    assertThat(again)
        .extracting(WorkerProtocolIT::id)
        .containsExactly(claimedOnly.id(), launched.id());
    assertThat(again.get(0).get("attempt").asInt()).isEqualTo(1);
    assertThat(again.get(1).get("attempt").asInt()).isEqualTo(2);
  }

  private static void claim410(Worker w) {
    w.api()
        .post("/api/v1/internal/jobs/claim", "{\"worker_id\":\"" + w.id() + "\",\"max_jobs\":1}")
        .expect(410);
  }

  @Test
  void a_stop_of_a_job_a_worker_runs_waits_for_the_worker_to_report_its_end() {
    Api user = user("parallel");
    Job job = submit(user, "{\"command\":[\"x\"]}");
    Job notRun = submit(user, "{\"command\":[\"y\"]}");
    Worker w = register("box");
    claim(w, 2);
    running(w, job.id());

    Api.Response stop = user.post("/api/v1/jobs/" + job.id() + "/stop", "");
    assertThat(stop.status()).isEqualTo(202);
    assertThat(stop.as(Job.class).status()).isEqualTo(JobStatus.CANCEL_REQUESTED);
    assertThat(user.job(job.id()).status()).isEqualTo(JobStatus.CANCEL_REQUESTED);
    // One not launched yet ends at once.
    user.post("/api/v1/jobs/" + notRun.id() + "/stop", "").expect(200);

    JsonNode beat =
        w.api()
            .post(
                "/api/v1/internal/workers/" + w.id() + "/heartbeat",
                "{\"jobs\":[{\"job_id\":\""
                    + job.id()
                    + "\"},{\"job_id\":\""
                    + notRun.id()
                    + "\"}]}")
            .expect(200)
            .json();
    List<String> cancel = new ArrayList<>();
    beat.get("cancel").forEach(c -> cancel.add(c.asString()));
    assertThat(cancel).contains(job.id(), notRun.id());

    JsonNode end = report(w, job.id(), "complete", "\"exit_codes\":[143]").expect(200).json();
    assertThat(end.get("status").asString()).isEqualTo("CANCELED");
    JobEvent last = user.events(job.id()).get(user.events(job.id()).size() - 1);
    assertThat(last.toStatus()).isEqualTo(JobStatus.CANCELED);
    assertThat(last.actor()).isEqualTo(w.id());
  }

  @Test
  void an_attempt_its_worker_never_reports_as_timed_out_is_timed_out_by_the_service() {
    Api user = user("parallel");
    Job job = submit(user, "{\"command\":[\"x\"],\"timeout_seconds\":1,\"max_attempts\":1}");
    Worker w = register("box");
    claim(w, 1);
    running(w, job.id());

    Job timedOut =
        user.awaitStatus(job.id(), JobStatus.FAILED, Duration.ofSeconds(TTL_SECONDS + 40));
    assertThat(timedOut.lastError())
        .isEqualTo(
            "timed out after 1 s (the worker did not report it within " + TTL_SECONDS + "s)");
    assertThat(user.events(job.id()))
        .anySatisfy(e -> assertThat(e.toStatus()).isEqualTo(JobStatus.RUN_TIMEOUT));
    // The worker, still alive, is told to stop it.
    JsonNode beat =
        w.api()
            .post(
                "/api/v1/internal/workers/" + w.id() + "/heartbeat",
                "{\"jobs\":[{\"job_id\":\"" + job.id() + "\"}]}")
            .expect(200)
            .json();
    assertThat(beat.get("cancel").toString()).contains(job.id());
  }

  @Test
  void a_restart_of_the_service_leaves_a_workers_jobs_to_it() {
    Api serial = user("serial");
    Job job = submit(serial, "{\"command\":[\"x\"]}");
    Job waiting = submit(serial, "{\"command\":[\"x\"]}");
    Worker w = register("box");
    String token = claim(w, 1).get(0).get("token").asString();
    running(w, job.id());

    // Down for longer than the claim TTL: nobody could send a heartbeat meanwhile.
    server.restartOnSamePort(
        () -> {
          try {
            Thread.sleep(TimeUnit.SECONDS.toMillis(TTL_SECONDS + 1));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });

    assertThat(serial.job(job.id()).status()).isEqualTo(JobStatus.RUNNING);
    w.api().post("/api/v1/internal/workers/" + w.id() + "/heartbeat", "{}").expect(200);
    // Its pods' token still works, and the job still holds its serial owner's one place.
    server.withKey(token).get("/api/v1/jobs/" + job.id()).expect(200);
    assertThat(claim(w, 1)).isEmpty();
    assertThat(serial.job(waiting.id()).status()).isEqualTo(JobStatus.QUEUED);

    report(w, job.id(), "complete", "\"exit_codes\":[0]").expect(200);
    assertThat(serial.job(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(claim(w, 1)).extracting(WorkerProtocolIT::id).containsExactly(waiting.id());
  }

  // ---- bad requests

  @Test
  void every_bad_field_is_a_400_naming_it() {
    Api user = user("parallel");
    Job job = submit(user, "{\"command\":[\"x\"]}");
    Worker w = register("box");
    assertField(
        w.api().post("/api/v1/internal/workers", "{\"name\":\"\",\"slots\":0}"), "name", "slots");
    assertField(
        w.api().post("/api/v1/internal/workers", "{\"name\":\"n\",\"apps\":[\"a b\"]}"), "apps[0]");
    assertField(
        w.api().post("/api/v1/internal/workers", "{\"name\":\"n\",\"colour\":\"red\"}"), "colour");
    assertField(
        w.api()
            .post(
                "/api/v1/internal/jobs/claim", "{\"worker_id\":\"" + w.id() + "\",\"max_jobs\":0}"),
        "max_jobs");
    assertField(
        w.api()
            .post(
                "/api/v1/internal/jobs/claim",
                "{\"worker_id\":\"" + w.id() + "\",\"max_jobs\":\"ten\"}"),
        "max_jobs");
    assertField(w.api().post("/api/v1/internal/jobs/claim", "{\"max_jobs\":1}"), "worker_id");
    claim(w, 1);
    assertField(report(w, job.id(), "transition", "\"to\":\"DONE\""), "to");
    assertField(report(w, job.id(), "transition", "\"to\":\"RUNNING\""), "pids");
    assertField(report(w, job.id(), "transition", "\"to\":\"RUNNING\",\"pids\":[0]"), "pids[0]");
    assertField(report(w, job.id(), "fail", "\"kind\":\"oops\",\"message\":\"m\""), "kind");
    assertField(report(w, job.id(), "fail", "\"kind\":\"user\""), "message");
    assertField(log(w, job.id(), 0, -1, "x"), "offset");
    assertField(log(w, job.id(), 5, 0, "x"), "pod");
    assertField(
        w.api()
            .post(
                "/api/v1/internal/workers/" + w.id() + "/heartbeat",
                "{\"jobs\":[{\"job_id\":\"" + job.id() + "\",\"metrics\":{\"loss\":\"low\"}}]}"),
        "jobs[0].metrics.loss");
    assertField(
        w.api()
            .send(
                "PUT",
                "/api/v1/internal/jobs/" + job.id() + "/results/a//b?worker_id=" + w.id(),
                "x",
                "Content-Type",
                "application/octet-stream"),
        "path");
    running(w, job.id());
    assertField(report(w, job.id(), "complete", "\"exit_codes\":[]"), "exit_codes");
    assertField(report(w, job.id(), "complete", "\"exit_codes\":[0,0]"), "exit_codes");
    assertThat(user.job(job.id()).status()).isEqualTo(JobStatus.RUNNING);
    // An unknown worker.
    w.api().post("/api/v1/internal/workers/wkr_nope/heartbeat", "{}").expect(404);
  }

  private static void assertField(Api.Response response, String... fields) {
    JsonNode problem = response.expect(400).json();
    assertThat(problem.get("code").asString()).isEqualTo("validation_failed");
    List<String> named = new ArrayList<>();
    problem.get("errors").forEach(e -> named.add(e.get("field").asString()));
    assertThat(named).as(problem.toString()).containsExactlyInAnyOrder(fields);
  }
}
