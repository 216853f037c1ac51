package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.RetryPolicy;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.server.support.JobkitServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A submit whose answer is lost on the way back: the job was created, the client retries, and the
 * service replays the same job for the same {@code Idempotency-Key}. Exactly one job exists.
 */
class SdkRetryIT {

  static JobkitServer server;
  static HttpServer proxy;
  static final AtomicInteger submits = new AtomicInteger();
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    server = JobkitServer.start();
    proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.createContext(
        "/",
        exchange -> {
          HttpRequest.Builder forward =
              HttpRequest.newBuilder(URI.create(server.baseUrl() + exchange.getRequestURI()))
                  .method(
                      exchange.getRequestMethod(),
                      HttpRequest.BodyPublishers.ofByteArray(
                          exchange.getRequestBody().readAllBytes()));
          exchange
              .getRequestHeaders()
              .forEach(
                  (name, values) -> {
                    if (!Set.of("host", "content-length", "connection")
                        .contains(name.toLowerCase())) {
                      values.forEach(v -> forward.header(name, v));
                    }
                  });
          try {
            HttpResponse<byte[]> answer =
                http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            boolean isSubmit =
                exchange.getRequestMethod().equals("POST")
                    && exchange.getRequestURI().getPath().equals("/api/v1/jobs");
            if (isSubmit && submits.incrementAndGet() == 1) {
              // The service created the job; its answer is lost on the way back.
              exchange.sendResponseHeaders(502, -1);
            } else {
              answer
                  .headers()
                  .firstValue("Content-Type")
                  .ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
              byte[] body = answer.body();
              exchange.sendResponseHeaders(
                  answer.statusCode(), body.length == 0 ? -1 : body.length);
              if (body.length > 0) {
                exchange.getResponseBody().write(body);
              }
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            exchange.close();
          }
        });
    proxy.start();
  }

  @AfterAll
  static void stop() {
    proxy.stop(0);
    server.close();
  }

  @Test
  void a_retried_submit_creates_exactly_one_job() {
    try (JobkitClient client =
        JobkitClient.builder()
            .baseUrl("http://127.0.0.1:" + proxy.getAddress().getPort())
            .apiKey(JobkitServer.ADMIN_KEY)
            .retry(RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO))
            .build()) {
      Job job =
          client.jobs().submit(JobSpec.builder().command("true").tag("case", "retried").build());

      List<Job> all =
          client.jobs().listAll(JobQuery.builder().tag("case", "retried").build()).toList();
      assertThat(submits.get()).isEqualTo(2);
      assertThat(all).extracting(Job::id).containsExactly(job.id());
    }
  }
}
