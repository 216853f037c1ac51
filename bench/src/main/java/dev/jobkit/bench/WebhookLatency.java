package dev.jobkit.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;

/**
 * Figure 8 (issue 14): how long a job's transition takes to reach a webhook receiver. A receiver in
 * this JVM ({@code com.sun.net.httpserver}, answering 204 at once) notes when each delivery
 * arrives; the latency is that instant minus the transition event's {@code at} (the time the store
 * wrote in the transaction that committed it; one clock, this JVM's). One webhook gets every
 * transition of the user's jobs (about 5 per job). Measured twice: jobs one at a time on an idle
 * service, then a burst of jobs submitted in batches of 100 at once, where the deliveries queue
 * behind each other (in order per job, {@code jobkit.webhooks.senders} at a time).
 */
final class WebhookLatency {

  record Result(Stats idle, Stats burst, int idleDeliveries, int burstDeliveries) {}

  private final RunningService service;
  private final int idleJobs;
  private final int burstJobs;

  /** Delivery arrival by event id. */
  private final Map<Long, Instant> arrived = new ConcurrentHashMap<>();

  /** Event time by event id, from the delivery's body. */
  private final Map<Long, Instant> eventAt = new ConcurrentHashMap<>();

  private final Set<String> endedJobs = ConcurrentHashMap.newKeySet();

  WebhookLatency(RunningService service, int idleJobs, int burstJobs) {
    this.service = service;
    this.idleJobs = idleJobs;
    this.burstJobs = burstJobs;
  }

  Result run() throws Exception {
    // The JDK's receiver otherwise leaves Nagle's algorithm on, and its answer waits for the
    // sender's delayed ACK (40 ms here): that would measure the receiver, not the service.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    ExecutorService threads = Executors.newFixedThreadPool(8);
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
    receiver.createContext(
        "/",
        exchange -> {
          try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Instant now = Instant.now();
            JsonNode event = RunningService.JSON.readTree(body);
            long id = event.get("event_id").asLong();
            arrived.putIfAbsent(id, now);
            eventAt.put(id, Instant.parse(event.get("at").asString()));
            if (event.get("to_status").asString().equals("SUCCEEDED")) {
              endedJobs.add(event.get("job_id").asString());
            }
            exchange.sendResponseHeaders(204, -1);
          }
        });
    receiver.setExecutor(threads);
    receiver.start();
    try {
      RunningService.Client user = service.newUser("webhooks", "parallel");
      user.send(
          "POST",
          "/api/v1/webhooks",
          "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\"}",
          201);
      System.out.printf("  warm-up: 50 jobs one at a time; then %d one at a time%n", idleJobs);
      oneAtATime(user, 50);
      arrived.clear();
      eventAt.clear();
      oneAtATime(user, idleJobs);
      List<Long> idle = latencies();
      arrived.clear();
      eventAt.clear();
      System.out.printf("  %d jobs at once, in batches of 100%n", burstJobs);
      List<String> ids = new ArrayList<>();
      for (int done = 0; done < burstJobs; done += 100) {
        int n = Math.min(100, burstJobs - done);
        String body =
            "{\"jobs\":["
                + String.join(",", java.util.Collections.nCopies(n, "{\"command\":[\"true\"]}"))
                + "]}";
        for (JsonNode job : user.send("POST", "/api/v1/jobs/batch", body, 201).get("items")) {
          ids.add(job.get("id").asString());
        }
      }
      awaitDelivered(ids, Duration.ofMinutes(5));
      List<Long> burst = latencies();
      return new Result(Stats.ofNanos(idle), Stats.ofNanos(burst), idle.size(), burst.size());
    } finally {
      receiver.stop(0);
      threads.shutdownNow();
    }
  }

  private void oneAtATime(RunningService.Client user, int count) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      String id =
          user.send("POST", "/api/v1/jobs", "{\"command\":[\"true\"]}", 201).get("id").asString();
      awaitDelivered(List.of(id), Duration.ofSeconds(60));
    }
  }

  /** Waits until the SUCCEEDED transition of every job arrived (delivered in order per job). */
  private void awaitDelivered(List<String> ids, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!endedJobs.containsAll(ids)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("deliveries missing after " + limit);
      }
      Thread.sleep(1);
    }
  }

  private List<Long> latencies() {
    List<Long> nanos = new ArrayList<>();
    arrived.forEach((id, at) -> nanos.add(Duration.between(eventAt.get(id), at).toNanos()));
    return nanos;
  }
}
