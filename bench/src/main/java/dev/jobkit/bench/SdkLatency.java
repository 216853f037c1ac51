package dev.jobkit.bench;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 3's figure: the median latency of {@code jobs().get(id)} through the SDK against a raw
 * {@link HttpClient} GET of the same URL, same service, same run, after warm-up. The two are
 * interleaved, one of each per round, so that both see the same machine.
 */
final class SdkLatency {

  record Result(Stats sdk, Stats raw) {
    double ratio() {
      return sdk.p50() / raw.p50();
    }
  }

  private final RunningService service;
  private final int rounds;

  SdkLatency(RunningService service, int rounds) {
    this.service = service;
    this.rounds = rounds;
  }

  Result run() throws Exception {
    try (JobkitClient client =
        JobkitClient.builder().baseUrl(service.baseUrl()).apiKey(service.adminKey()).build()) {
      Job job = client.jobs().submit(JobSpec.builder().command("true").build());
      client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(60));
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      HttpRequest raw =
          HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/v1/jobs/" + job.id()))
              .header("Authorization", "Bearer " + service.adminKey())
              .header("Accept", "application/json")
              .timeout(Duration.ofSeconds(60))
              .GET()
              .build();
      System.out.printf("  warm-up: %d rounds%n", rounds);
      measure(client, http, raw, job.id(), rounds);
      List<Long>[] timed = measure(client, http, raw, job.id(), rounds);
      Result result = new Result(Stats.ofNanos(timed[0]), Stats.ofNanos(timed[1]));
      System.out.printf("  SDK jobs().get(id):   %s%n", result.sdk());
      System.out.printf("  raw HttpClient GET:   %s%n", result.raw());
      return result;
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Long>[] measure(
      JobkitClient client, HttpClient http, HttpRequest raw, String id, int rounds)
      throws Exception {
    List<Long> sdk = new ArrayList<>(rounds);
    List<Long> direct = new ArrayList<>(rounds);
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      client.jobs().get(id);
      long t1 = System.nanoTime();
      HttpResponse<byte[]> answer = http.send(raw, HttpResponse.BodyHandlers.ofByteArray());
      long t2 = System.nanoTime();
      if (answer.statusCode() != 200) {
        throw new IllegalStateException("raw GET answered " + answer.statusCode());
      }
      sdk.add(t1 - t0);
      direct.add(t2 - t1);
    }
    return new List[] {sdk, direct};
  }
}
