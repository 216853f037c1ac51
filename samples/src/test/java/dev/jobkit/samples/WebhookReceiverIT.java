package dev.jobkit.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.sdk.webhooks.WebhookEvent;
import dev.jobkit.sdk.webhooks.WebhookSpec;
import dev.jobkit.server.support.JobkitService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The receiver sample against a real service: it gets a job's end, and refuses a forgery. */
class WebhookReceiverIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  @Test
  void the_sample_receives_a_jobs_end_and_refuses_an_unsigned_request() throws Exception {
    JobkitClient client = service.client(service.userKey());
    List<WebhookEvent> events = new CopyOnWriteArrayList<>();
    String secret = "whsec_sample_receiver_0123456789";
    HttpServer server = WebhookReceiver.start(0, secret, events::add);
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/jobkit";
      Webhook hook =
          client
              .webhooks()
              .create(WebhookSpec.of(url).withStatuses(JobStatus.SUCCEEDED).withSecret(secret));
      Job job = client.jobs().submit(JobSpec.builder().shell("echo hello").build());

      await().atMost(Duration.ofSeconds(60)).until(() -> !events.isEmpty());
      assertThat(events.get(0).jobId()).isEqualTo(job.id());
      assertThat(events.get(0).toStatus()).isEqualTo(JobStatus.SUCCEEDED);

      HttpResponse<Void> forged =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url))
                      .header("Jobkit-Signature", "t=1,v1=00")
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      assertThat(forged.statusCode()).isEqualTo(400);
      client.webhooks().delete(hook.id());
    } finally {
      server.stop(0);
    }
  }
}
