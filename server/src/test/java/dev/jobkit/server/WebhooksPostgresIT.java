package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.PostgresDatabase;
import dev.jobkit.server.support.WebhookReceiver;
import dev.jobkit.server.support.WebhookReceiver.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The webhooks' SQL (migration V25, the cursor's {@code FOR UPDATE}, the per-job order of the due
 * deliveries) on PostgreSQL: a database of its own ({@link PostgresDatabase}, skipped outside CI
 * when none answers) and a service on it.
 */
class WebhooksPostgresIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void webhooks_retry_and_deliver_in_order_on_postgresql() {
    try (PostgresDatabase database = PostgresDatabase.create();
        WebhookReceiver receiver = WebhookReceiver.start()) {
      List<String> args = new ArrayList<>(List.of(database.serverArgs()));
      args.addAll(
          List.of(
              "--jobkit.webhooks.backoff-base=50ms",
              "--jobkit.webhooks.backoff-max=200ms",
              "--jobkit.webhooks.poll-interval=100ms"));
      try (JobkitServer server = JobkitServer.start(args.toArray(String[]::new))) {
        Api admin = server.admin();
        Webhook hook = receiver.subscribe(admin);
        receiver.answer(Mode.FAIL);
        Job job = admin.submitShell("echo pg");
        admin.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);
        await().atMost(TIMEOUT).until(() -> receiver.requests().size() >= 2);
        receiver.answer(Mode.ACCEPT);

        List<JobStatus> transitions =
            admin.events(job.id()).stream()
                .filter(e -> e.kind() == EventKind.TRANSITION)
                .map(JobEvent::toStatus)
                .toList();
        await().atMost(TIMEOUT).until(() -> receiver.accepted().size() == transitions.size());
        assertThat(receiver.accepted())
            .extracting(r -> r.event().toStatus())
            .containsExactlyElementsOf(transitions);
        String deliveries =
            admin.get("/api/v1/webhooks/" + hook.id() + "/deliveries?limit=1").expect(200).body();
        assertThat(Api.JSON.readTree(deliveries).get("items")).hasSize(1);
        assertThat(admin.get("/api/v1/webhooks").expect(200).body()).contains(hook.id());
        admin.delete("/api/v1/webhooks/" + hook.id()).expect(204);
      }
    }
  }
}
