package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.webhooks.Delivery;
import dev.jobkit.sdk.webhooks.DeliveryState;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.WebhookReceiver;
import dev.jobkit.server.support.WebhookReceiver.Mode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

/**
 * What the webhooks' rows promise beyond one running service: transitions committed while nothing
 * matched them (as after a crash right after a commit) are delivered by the next service on the
 * data dir; a delivery that keeps failing is given up, and the job's next one goes out after it.
 * Each test starts its own services on a data dir of its own.
 */
class WebhookRecoveryIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String[] FAST = {
    "--jobkit.webhooks.backoff-base=50ms",
    "--jobkit.webhooks.backoff-max=100ms",
    "--jobkit.webhooks.poll-interval=100ms"
  };

  @Test
  void transitions_no_service_matched_are_delivered_by_the_next_one() {
    // A service that commits transitions and never matches them: what a crash right after the
    // commits leaves behind. Stopped, not closed: the next one starts on its data dir.
    try (WebhookReceiver receiver = WebhookReceiver.start();
        JobkitServer first = JobkitServer.start("--jobkit.webhooks.enabled=false")) {
      Api before = first.admin();
      Webhook hook = receiver.subscribe(before);
      Job job = before.submitShell("echo before");
      before.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);
      assertThat(deliveries(before, hook.id())).isEmpty();
      first.stop();
      assertThat(receiver.requests()).isEmpty();

      try (JobkitServer second = JobkitServer.startOn(first.dataDir(), FAST)) {
        Api admin = second.admin();
        List<JobStatus> transitions =
            admin.events(job.id()).stream()
                .filter(e -> e.kind() == EventKind.TRANSITION)
                .map(JobEvent::toStatus)
                .toList();
        await().atMost(TIMEOUT).until(() -> receiver.accepted().size() == transitions.size());
        assertThat(receiver.accepted())
            .extracting(r -> r.event().toStatus())
            .containsExactlyElementsOf(transitions);
        assertThat(deliveries(admin, hook.id()))
            .allMatch(d -> d.state() == DeliveryState.DELIVERED && d.attempts() == 1);
      }
    }
  }

  @Test
  void a_delivery_that_keeps_failing_is_given_up_and_the_next_one_goes_after_it() {
    try (WebhookReceiver receiver = WebhookReceiver.start();
        JobkitServer server =
            JobkitServer.start(FAST[0], FAST[1], FAST[2], "--jobkit.webhooks.give-up-after=1s")) {
      Api admin = server.admin();
      Webhook hook = receiver.subscribe(admin);
      receiver.answer(Mode.FAIL);
      Job job = admin.submitShell("echo given-up");
      admin.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

      // Every transition is tried, each after the one before it was given up.
      await()
          .atMost(TIMEOUT)
          .until(
              () -> deliveries(admin, hook.id()),
              ds ->
                  !ds.isEmpty()
                      && ds.size() == transitions(admin, job)
                      && ds.stream().allMatch(d -> d.state() == DeliveryState.FAILED));
      List<Delivery> failed = deliveries(admin, hook.id());
      assertThat(failed).allMatch(d -> d.attempts() >= 1 && d.lastStatus() == 500);
      assertThat(failed).allMatch(d -> d.lastError().equals("the receiver answered 500"));
      assertThat(receiver.requests())
          .extracting(r -> r.event().eventId())
          .isSorted()
          .containsAll(failed.stream().map(Delivery::eventId).toList());
    }
  }

  @Test
  void finished_deliveries_are_deleted_after_keep_deliveries_and_pending_ones_stay() {
    try (WebhookReceiver receiver = WebhookReceiver.start();
        WebhookReceiver failing = WebhookReceiver.start();
        JobkitServer server =
            JobkitServer.start(FAST[0], FAST[1], FAST[2], "--jobkit.webhooks.keep-deliveries=1s")) {
      Api admin = server.admin();
      Webhook delivered = receiver.subscribe(admin);
      Webhook pending = failing.subscribe(admin);
      failing.answer(Mode.FAIL);
      Job job = admin.submitShell("echo pruned");
      admin.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);
      int count = transitions(admin, job);
      await().atMost(TIMEOUT).until(() -> receiver.accepted().size() == count);

      // Gone a second after their last attempt; the failing webhook's keep being tried.
      await().atMost(TIMEOUT).until(() -> deliveries(admin, delivered.id()).isEmpty());
      assertThat(deliveries(admin, pending.id()))
          .hasSize(count)
          .allMatch(d -> d.state() == DeliveryState.PENDING);
    }
  }

  private static int transitions(Api api, Job job) {
    return (int)
        api.events(job.id()).stream().filter(e -> e.kind() == EventKind.TRANSITION).count();
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
}
