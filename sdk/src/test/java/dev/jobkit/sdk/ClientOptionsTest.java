package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.ScriptedServer.Answer;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a caller may set on the client: User-Agent, proxy, executor of the async calls. */
class ClientOptionsTest {

  private static final String JOB =
      "{\"id\":\"job_1\",\"display_name\":\"x\",\"owner\":\"u\",\"status\":\"SUCCEEDED\","
          + "\"priority\":5,\"accessibility\":\"PRIVATE\",\"pod_count\":1,\"max_attempts\":1,"
          + "\"attempt\":1}";

  @Test
  void every_request_says_who_sends_it_with_the_callers_suffix() {
    try (ScriptedServer server = new ScriptedServer(Answer.json(200, JOB));
        JobkitClient client =
            JobkitClient.builder()
                .baseUrl(server.url())
                .userAgentSuffix("nightly-etl/2.3")
                .build()) {
      client.jobs().get("job_1");

      assertThat(server.received().get(0).header("User-Agent"))
          .matches("jobkit-java-sdk/\\S+ Java/\\S+ nightly-etl/2\\.3");
    }
  }

  @Test
  void a_call_listener_hears_every_attempt_with_its_status_and_never_the_key() {
    java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ScriptedServer server =
            new ScriptedServer(Answer.problem(503, "unavailable"), Answer.json(200, JOB));
        JobkitClient client =
            JobkitClient.builder()
                .baseUrl(server.url())
                .apiKey("jk_secret")
                .sleeper(wait -> {})
                .callListener(
                    new CallListener() {
                      @Override
                      public void onRequest(String method, java.net.URI url) {
                        heard.add(method + " " + url.getPath());
                      }

                      @Override
                      public void onResponse(
                          String method, java.net.URI url, int status, Duration took) {
                        heard.add(status + (took.isNegative() ? " negative" : ""));
                      }
                    })
                .build()) {
      client.jobs().get("job_1");

      assertThat(heard)
          .containsExactly("GET /api/v1/jobs/job_1", "503", "GET /api/v1/jobs/job_1", "200");
      assertThat(String.join(" ", heard)).doesNotContain("jk_secret");
    }
  }

  @Test
  void a_suffix_that_could_break_the_header_is_refused() {
    assertThatThrownBy(() -> JobkitClient.builder().userAgentSuffix("x\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("printable ASCII");
  }

  @Test
  void requests_go_through_the_proxy_given() {
    // The scripted server stands in for the proxy: it gets the request with the absolute URL.
    try (ScriptedServer proxy = new ScriptedServer(Answer.json(200, JOB));
        JobkitClient client =
            JobkitClient.builder()
                .baseUrl("http://jobkit.invalid:8080")
                .proxy(
                    ProxySelector.of(
                        new InetSocketAddress("127.0.0.1", Integer.parseInt(port(proxy)))))
                .build()) {
      assertThat(client.jobs().get("job_1").id()).isEqualTo("job_1");
      assertThat(proxy.received()).hasSize(1);
    }
  }

  @Test
  void requests_go_through_the_http_client_given_which_close_leaves_to_its_owner()
      throws Exception {
    AtomicInteger sent = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder()
            .executor(
                command ->
                    threads.execute(
                        () -> {
                          sent.incrementAndGet();
                          command.run();
                        }))
            .build();
    try (ScriptedServer server = new ScriptedServer(Answer.json(200, JOB), Answer.json(200, JOB))) {
      try (JobkitClient client =
          JobkitClient.builder().baseUrl(server.url()).httpClient(http).build()) {
        assertThat(client.jobs().get("job_1").id()).isEqualTo("job_1");
      }
      assertThat(sent.get()).isPositive();
      assertThat(threads.isShutdown()).isFalse();
      // The given client still works for its owner once the Jobkit client is closed.
      try (JobkitClient again =
          JobkitClient.builder().baseUrl(server.url()).httpClient(http).build()) {
        assertThat(again.jobs().get("job_1").id()).isEqualTo("job_1");
      }
      assertThat(server.received()).hasSize(2);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void a_proxy_beside_an_http_client_given_is_refused() {
    assertThatThrownBy(
            () ->
                JobkitClient.builder()
                    .baseUrl("http://localhost:8080")
                    .httpClient(java.net.http.HttpClient.newHttpClient())
                    .proxy(ProxySelector.getDefault())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HttpClient.Builder.proxy");
  }

  private static String port(ScriptedServer server) {
    return server.url().substring(server.url().lastIndexOf(':') + 1);
  }

  @Test
  void async_calls_run_on_the_executor_given_and_fail_as_the_blocking_ones_do() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (ScriptedServer server =
            new ScriptedServer(Answer.json(201, JOB), Answer.problem(404, "not_found"));
        JobkitClient client =
            JobkitClient.builder()
                .baseUrl(server.url())
                .retry(RetryPolicy.none())
                .executor(
                    command ->
                        threads.execute(
                            () -> {
                              ran.incrementAndGet();
                              command.run();
                            }))
                .build()) {
      Job submitted =
          client
              .jobs()
              .submitAsync(JobSpec.builder().command("true").build())
              .get(30, TimeUnit.SECONDS);
      assertThat(submitted.id()).isEqualTo("job_1");

      assertThatThrownBy(() -> client.jobs().getAsync("job_2").join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(NotFoundException.class);
      assertThat(ran).hasValue(2);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void an_async_call_of_a_closed_client_fails_at_once_saying_so() {
    JobkitClient client = JobkitClient.builder().baseUrl("http://127.0.0.1:9").build();
    client.close();

    assertThatThrownBy(
            () ->
                client
                    .jobs()
                    .awaitAsync("job_1", JobStatus::isTerminal, Duration.ofSeconds(1))
                    .join())
        .hasCauseInstanceOf(JobkitException.class)
        .hasMessageContaining("JobkitClient is closed");
  }

  @Test
  void a_job_timeout_is_given_as_a_duration_of_whole_seconds() {
    assertThat(
            JobSpec.builder().command("true").timeout(Duration.ofHours(2)).build().timeoutSeconds())
        .isEqualTo(7200);
    assertThatThrownBy(() -> JobSpec.builder().timeout(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole seconds");
    assertThatThrownBy(() -> JobSpec.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void an_update_built_sets_only_what_was_given() {
    assertThat(JobUpdate.builder().priority(9).build())
        .isEqualTo(new JobUpdate(null, null, 9, null, null));
    assertThat(JobUpdate.builder().displayName("n").podCount(2).build())
        .isEqualTo(new JobUpdate("n", null, null, null, 2));
  }

  @Test
  void a_client_of_a_plain_http_service_makes_no_tls_connection() throws Exception {
    try (java.net.ServerSocket listening = new java.net.ServerSocket(0);
        JobkitClient client = JobkitClient.builder().baseUrl(server(listening, "http")).build()) {
      java.net.http.HttpRequest toTls =
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(server(listening, "https")))
              .timeout(Duration.ofSeconds(5))
              .build();
      assertThatThrownBy(
              () -> client.http().send(toTls, java.net.http.HttpResponse.BodyHandlers.discarding()))
          .isInstanceOf(java.io.IOException.class)
          .hasStackTraceContaining("makes no TLS connection");
    }
  }

  private static String server(java.net.ServerSocket socket, String scheme) {
    return scheme + "://127.0.0.1:" + socket.getLocalPort();
  }
}
