package dev.jobkit.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Figure 2: submit → {@code RUNNING} on an idle service, one job at a time. The server-side figure
 * is the {@code RUNNING} event's {@code at} minus the submission event's {@code at}; the
 * client-side one runs from just before the POST is sent to the moment the live event stream
 * delivers the {@code RUNNING} transition.
 */
final class StartLatency {

  record Result(Stats server, Stats client) {}

  /** When the event stream delivered a job's transitions, as {@code System.nanoTime()}. */
  private record Seen(CompletableFuture<Long> running, CompletableFuture<Long> ended) {
    Seen() {
      this(new CompletableFuture<>(), new CompletableFuture<>());
    }
  }

  private final RunningService service;
  private final int samples;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  StartLatency(RunningService service, int samples) {
    this.service = service;
    this.samples = samples;
  }

  Result run() throws Exception {
    RunningService.Client user = service.newUser("latency", "parallel");
    HttpRequest streamRequest =
        user.request("/api/v1/events/stream")
            .timeout(Duration.ofHours(1))
            .header("Accept", "text/event-stream")
            .GET()
            .build();
    HttpResponse<InputStream> stream =
        service.http().send(streamRequest, HttpResponse.BodyHandlers.ofInputStream());
    if (stream.statusCode() != 200) {
      throw new IllegalStateException("event stream: HTTP " + stream.statusCode());
    }
    Thread reader = new Thread(() -> read(stream.body()), "bench-sse-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      System.out.printf("  warm-up: 50 jobs; then %d jobs one at a time%n", samples);
      measure(user, 50);
      return measure(user, samples);
    } finally {
      stream.body().close();
    }
  }

  private Result measure(RunningService.Client user, int count) throws Exception {
    List<Long> serverNanos = new ArrayList<>();
    List<Long> clientNanos = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long sent = System.nanoTime();
      String id =
          user.send("POST", "/api/v1/jobs", "{\"command\":[\"true\"]}", 201).get("id").asString();
      Seen s = seen(id);
      long running = s.running().get(30, TimeUnit.SECONDS);
      s.ended().get(30, TimeUnit.SECONDS);
      seen.remove(id);
      clientNanos.add(running - sent);
      JsonNode events = user.get("/api/v1/jobs/" + id + "/events");
      Instant submitted = Instant.parse(events.get(0).get("at").asString());
      Instant started = null;
      for (JsonNode e : events) {
        if ("RUNNING".equals(e.get("to_status").asString())) {
          started = Instant.parse(e.get("at").asString());
          break;
        }
      }
      if (started == null) {
        throw new IllegalStateException("job " + id + " has no RUNNING event: " + events);
      }
      serverNanos.add(Duration.between(submitted, started).toNanos());
    }
    return new Result(Stats.ofNanos(serverNanos), Stats.ofNanos(clientNanos));
  }

  private Seen seen(String id) {
    return seen.computeIfAbsent(id, k -> new Seen());
  }

  /** Reads the Server-Sent Events stream and notes when each job's transitions arrive. */
  private void read(InputStream body) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (!line.startsWith("data:")) {
          continue;
        }
        long now = System.nanoTime();
        JsonNode event = RunningService.JSON.readTree(line.substring(5).strip());
        String to = event.get("to_status").asString();
        Seen s = seen(event.get("job_id").asString());
        if (to.equals("RUNNING")) {
          s.running().complete(now);
        } else if (to.equals("SUCCEEDED") || to.equals("FAILED") || to.equals("CANCELED")) {
          s.ended().complete(now);
        }
      }
    } catch (java.io.IOException closed) {
      // the benchmark closed the stream
    }
  }
}
