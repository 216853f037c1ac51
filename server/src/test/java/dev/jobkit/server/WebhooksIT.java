package dev.jobkit.server;

import static dev.jobkit.server.support.Problems.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.webhooks.Delivery;
import dev.jobkit.sdk.webhooks.DeliveryState;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.sdk.webhooks.WebhookSpec;
import dev.jobkit.sdk.webhooks.WebhookVerifier;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.WebhookReceiver;
import dev.jobkit.server.support.WebhookReceiver.Mode;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.core.type.TypeReference;

/**
 * Webhooks against a real local receiver that fails, hangs and recovers: every matching transition
 * arrives, signed, in order per job, after retries with backoff, also across a restart of the
 * service; a hanging receiver holds up no job. The class has a service of its own: short backoffs
 * and timeouts, and one test restarts it.
 */
class WebhooksIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String SECRET = "whsec_webhooks_it_0123456789";

  /** Above what any user of the other tests has. */
  private static final int MAX_PER_USER = 8;

  @RegisterExtension
  static final JobkitService service =
      JobkitService.own(
          "--jobkit.webhooks.backoff-base=50ms",
          "--jobkit.webhooks.backoff-max=200ms",
          "--jobkit.webhooks.read-timeout=1s",
          "--jobkit.webhooks.poll-interval=100ms",
          "--jobkit.webhooks.max-per-user=" + MAX_PER_USER);

  @Test
  void a_receiver_that_fails_then_hangs_gets_every_transition_in_order_once_it_recovers() {
    Api user = service.user();
    WebhookReceiver receiver = service.closeAfterAll(WebhookReceiver.start());
    Webhook hook =
        create(user, "{\"url\":\"" + receiver.url() + "\",\"secret\":\"" + SECRET + "\"}");
    receiver.answer(Mode.FAIL);

    Job first = user.submitShell("echo first");
    user.awaitStatus(first.id(), JobStatus.SUCCEEDED, TIMEOUT);
    // The first transition is tried again and again, and the job's later ones wait behind it.
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(
            () -> deliveries(user, hook.id()),
            ds ->
                oldest(ds).attempts() >= 2 && Integer.valueOf(500).equals(oldest(ds).lastStatus()));
    assertThat(receiver.requests()).extracting(r -> r.event().jobId()).containsOnly(first.id());
    assertThat(receiver.requests())
        .extracting(r -> r.event().eventId())
        .containsOnly(oldest(deliveries(user, hook.id())).eventId());

    receiver.answer(Mode.HANG);
    await().atMost(TIMEOUT).until(() -> receiver.hanging() > 0);
    // While the receiver hangs, another job runs from start to end all the same.
    Job second = user.submitShell("echo second");
    user.awaitStatus(second.id(), JobStatus.SUCCEEDED, TIMEOUT);
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(
            () -> oldest(deliveries(user, hook.id())).lastError(),
            e -> e != null && e.startsWith("no answer within 1 s"));

    receiver.answer(Mode.ACCEPT);
    List<Job> jobs = List.of(first, second);
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(
            () -> deliveries(user, hook.id()),
            ds ->
                ds.size() == transitions(user, jobs).size()
                    && ds.stream().allMatch(d -> d.state() == DeliveryState.DELIVERED));

    for (Job job : jobs) {
      assertThat(
              receiver.accepted().stream()
                  .filter(r -> r.event().jobId().equals(job.id()))
                  .map(r -> r.event().toStatus())
                  .toList())
          .as("statuses delivered for %s, in the order they arrived", job.id())
          .containsExactlyElementsOf(
              transitions(user, List.of(job)).stream().map(JobEvent::toStatus).toList());
    }
    // Each delivery was accepted once: a retry never follows a success.
    assertThat(receiver.accepted())
        .extracting(WebhookReceiver.Request::deliveryId)
        .doesNotHaveDuplicates();
    WebhookVerifier verifier = WebhookVerifier.create(SECRET);
    for (WebhookReceiver.Request request : receiver.requests()) {
      assertThatCode(() -> verifier.verify(request.signature(), request.body()))
          .doesNotThrowAnyException();
      assertThat(request.event().deliveryId()).isEqualTo(request.deliveryId());
      assertThat(request.event().webhookId()).isEqualTo(hook.id());
      assertThat(request.event().job().owner()).isEqualTo(user.name());
    }
    Delivery retried = oldest(deliveries(user, hook.id()));
    assertThat(retried.attempts()).isGreaterThanOrEqualTo(4); // 500, 500, no answer, 204
    assertThat(retried.lastStatus()).isEqualTo(204);
    assertThat(retried.lastError()).isNull();
    // The same delivery id on every attempt, so that a receiver can drop a repeat.
    assertThat(receiver.requests())
        .filteredOn(r -> r.event().eventId() == retried.eventId())
        .extracting(WebhookReceiver.Request::deliveryId)
        .containsOnly(retried.id())
        .hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void pending_deliveries_go_out_after_a_restart() {
    Api user = service.user();
    WebhookReceiver receiver = service.closeAfterAll(WebhookReceiver.start());
    Webhook hook =
        create(user, "{\"url\":\"" + receiver.url() + "\",\"statuses\":[\"SUCCEEDED\"]}");
    receiver.answer(Mode.FAIL);
    Job job = user.submitShell("echo restart");
    user.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);
    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(
            () -> deliveries(user, hook.id()), ds -> ds.size() == 1 && ds.get(0).attempts() >= 1);

    service.server().restartOnSamePort(() -> receiver.answer(Mode.ACCEPT));

    await()
        .atMost(TIMEOUT)
        .ignoreExceptions()
        .until(
            () -> deliveries(user, hook.id()),
            ds -> ds.size() == 1 && ds.get(0).state() == DeliveryState.DELIVERED);
    assertThat(receiver.accepted()).hasSize(1);
    assertThat(receiver.accepted().get(0).event().jobId()).isEqualTo(job.id());
    assertThat(receiver.accepted().get(0).event().toStatus()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void only_the_statuses_apps_and_owners_a_webhook_names_are_delivered() {
    Api user = service.user();
    Api other = service.newUser("whkother", "parallel");
    service.admin().put("/api/v1/apps/whk-echo", "{\"command\":[\"echo\",\"app\"]}").expect(200);
    WebhookReceiver ended = service.closeAfterAll(WebhookReceiver.start());
    WebhookReceiver ofApp = service.closeAfterAll(WebhookReceiver.start());
    Webhook byStatus =
        create(user, "{\"url\":\"" + ended.url() + "\",\"statuses\":[\"completed\",\"failed\"]}");
    Webhook byApp = create(user, "{\"url\":\"" + ofApp.url() + "\",\"apps\":[\"whk-echo\"]}");
    assertThat(byStatus.statuses()).containsExactly(JobStatus.SUCCEEDED, JobStatus.FAILED);
    assertThat(byStatus.owners()).containsExactly(user.name());

    Job shell = user.submitShell("exit 3");
    user.awaitStatus(shell.id(), JobStatus.FAILED, TIMEOUT);
    Job othersJob = other.submitShell("echo not yours");
    other.awaitStatus(othersJob.id(), JobStatus.SUCCEEDED, TIMEOUT);
    Job app = user.submit("{\"app\":\"whk-echo\"}");
    user.awaitStatus(app.id(), JobStatus.SUCCEEDED, TIMEOUT);

    // The app job's SUCCEEDED is the newest event of all: once it arrived, every earlier event was
    // matched too.
    Predicate<WebhookReceiver> gotAppEnd =
        r ->
            r.accepted().stream()
                .anyMatch(
                    q ->
                        q.event().jobId().equals(app.id())
                            && q.event().toStatus() == JobStatus.SUCCEEDED);
    await().atMost(TIMEOUT).until(() -> gotAppEnd.test(ended) && gotAppEnd.test(ofApp));

    assertThat(ended.accepted())
        .extracting(r -> r.event().jobId() + " " + r.event().toStatus())
        .containsExactly(shell.id() + " FAILED", app.id() + " SUCCEEDED");
    assertThat(ofApp.accepted())
        .extracting(r -> r.event().toStatus())
        .containsExactlyElementsOf(
            transitions(user, List.of(app)).stream().map(JobEvent::toStatus).toList());
    assertThat(ofApp.accepted()).allMatch(r -> "whk-echo".equals(r.event().app()));
  }

  @Test
  void another_user_neither_sees_nor_deletes_a_webhook_and_its_secret_is_shown_once() {
    Api user = service.user();
    Api other = service.newUser("whkpeer", "parallel");
    Webhook hook = create(user, "{\"url\":\"https://receiver.example.com/jobkit\"}");
    assertThat(hook.id()).startsWith("whk_");
    assertThat(hook.secret()).startsWith("whsec_").hasSizeGreaterThan(40);

    Api.Response read = user.get("/api/v1/webhooks/" + hook.id()).expect(200);
    assertThat(read.json().path("secret").isMissingNode() || read.json().get("secret").isNull())
        .isTrue();
    assertThat(user.get("/api/v1/webhooks").expect(200).body())
        .contains(hook.id())
        .doesNotContain(hook.secret());

    for (String path :
        List.of("/api/v1/webhooks/" + hook.id(), "/api/v1/webhooks/" + hook.id() + "/deliveries")) {
      assertRefused(other.get(path), 404, "not_found", null);
    }
    assertRefused(other.delete("/api/v1/webhooks/" + hook.id()), 404, "not_found", null);
    assertThat(other.get("/api/v1/webhooks").expect(200).body()).doesNotContain(hook.id());
    service.admin().get("/api/v1/webhooks/" + hook.id()).expect(200);

    user.delete("/api/v1/webhooks/" + hook.id()).expect(204);
    assertRefused(user.get("/api/v1/webhooks/" + hook.id()), 404, "not_found", null);
    assertRefused(user.delete("/api/v1/webhooks/" + hook.id()), 404, "not_found", null);
  }

  @Test
  void bad_webhooks_are_refused_naming_the_field() {
    Api user = service.user();
    String ok = "\"url\":\"http://127.0.0.1:9/x\"";
    assertRefused(user.post("/api/v1/webhooks", "{}"), 400, "validation_failed", "url");
    for (String url :
        List.of(
            "ftp://example.com/x",
            "not a url",
            "http://u:p@example.com/",
            "/relative",
            "http://")) {
      assertRefused(
          user.post("/api/v1/webhooks", "{\"url\":" + Api.JSON.writeValueAsString(url) + "}"),
          400,
          "validation_failed",
          "url");
    }
    assertRefused(
        user.post("/api/v1/webhooks", "{" + ok + ",\"statuses\":[\"finished-ish\"]}"),
        400,
        "validation_failed",
        "statuses");
    assertRefused(
        user.post("/api/v1/webhooks", "{" + ok + ",\"apps\":[\"\"]}"),
        400,
        "validation_failed",
        "apps");
    assertRefused(
        user.post("/api/v1/webhooks", "{" + ok + ",\"owners\":[\"someone-else\"]}"),
        400,
        "validation_failed",
        "owners");
    assertRefused(
        user.post("/api/v1/webhooks", "{" + ok + ",\"secret\":\"short\"}"),
        400,
        "validation_failed",
        "secret");
    assertRefused(
        user.post("/api/v1/webhooks", "{" + ok + ",\"statuses\":\"SUCCEEDED\"}"),
        400,
        "validation_failed",
        null);
    Webhook hook = create(user, "{" + ok + "}");
    for (String limit : List.of("0", "501", "many")) {
      assertRefused(
          user.get("/api/v1/webhooks/" + hook.id() + "/deliveries?limit=" + limit),
          400,
          "validation_failed",
          "limit");
    }
    // An admin may be told of other users' jobs.
    Webhook all =
        create(
            service.admin(), "{" + ok + ",\"owners\":[\"someone-else\",\"" + user.name() + "\"]}");
    assertThat(all.owners()).containsExactly("someone-else", user.name());
    service.admin().delete("/api/v1/webhooks/" + all.id()).expect(204);
  }

  @Test
  void the_sdk_makes_lists_reads_and_deletes_webhooks() {
    JobkitClient client = service.client(service.userKey());
    WebhookReceiver receiver = service.closeAfterAll(WebhookReceiver.start());
    Webhook hook =
        client
            .webhooks()
            .create(
                WebhookSpec.of(receiver.url())
                    .withStatuses(JobStatus.SUCCEEDED)
                    .withSecret(SECRET));
    assertThat(hook.secret()).isEqualTo(SECRET);
    assertThat(client.webhooks().get(hook.id()).secret()).isNull();
    assertThat(client.webhooks().list()).extracting(Webhook::id).contains(hook.id());

    Job job = service.user().submitShell("echo sdk");
    service.user().awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> client.webhooks().deliveries(hook.id(), 10),
            ds -> ds.size() == 1 && ds.get(0).state() == DeliveryState.DELIVERED);
    assertThat(client.webhooks().deliveries(hook.id()).get(0).jobId()).isEqualTo(job.id());

    assertThatThrownBy(() -> client.webhooks().create(WebhookSpec.of("ftp://example.com/")))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.problem().errors()).extracting(FieldError::field).contains("url"));
    JobkitClient other = service.client(service.newUser("whksdk", "parallel").key());
    assertThatThrownBy(() -> other.webhooks().get(hook.id())).isInstanceOf(NotFoundException.class);
    client.webhooks().delete(hook.id());
    assertThatThrownBy(() -> client.webhooks().get(hook.id()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void a_user_has_at_most_max_per_user_webhooks() {
    Api user = service.newUser("whkmany", "parallel");
    String body = "{\"url\":\"https://receiver.example.com/many\"}";
    List<Webhook> made = new java.util.ArrayList<>();
    for (int i = 0; i < MAX_PER_USER; i++) {
      made.add(create(user, body));
    }
    Api.Response refused = user.post("/api/v1/webhooks", body);
    assertRefused(refused, 429, "rate_limited", null);
    assertThat(refused.json().get("limit").asInt()).isEqualTo(MAX_PER_USER);
    assertThat(refused.json().get("setting").asString()).isEqualTo("jobkit.webhooks.max-per-user");
    assertThat(user.get("/api/v1/webhooks").expect(200).json().get("items")).hasSize(MAX_PER_USER);

    user.delete("/api/v1/webhooks/" + made.get(0).id()).expect(204);
    create(user, body);
  }

  private static Webhook create(Api api, String body) {
    return api.post("/api/v1/webhooks", body).expect(201).as(Webhook.class);
  }

  private static List<Delivery> deliveries(Api api, String webhookId) {
    return Api.JSON.readValue(
        api.get("/api/v1/webhooks/" + webhookId + "/deliveries")
            .expect(200)
            .json()
            .get("items")
            .toString(),
        new TypeReference<List<Delivery>>() {});
  }

  private static Delivery oldest(List<Delivery> deliveries) {
    return deliveries.stream().min(Comparator.comparingLong(Delivery::eventId)).orElseThrow();
  }

  private static List<JobEvent> transitions(Api api, List<Job> jobs) {
    return jobs.stream()
        .flatMap(j -> api.events(j.id()).stream())
        .filter(e -> e.kind() == EventKind.TRANSITION)
        .toList();
  }
}
