package dev.jobkit.bench;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12's figure: what a page of {@code GET /api/v1/jobs} costs, with 1,000 finished jobs of 2
 * pods each: the median of a page of 50 and of a page of 1,000, over HTTP. Run at a commit where
 * listed jobs carry no pods and at one where they do, it says what reading them (one query per
 * table for the whole page) adds.
 */
final class ListCost {

  record Result(Stats page50, Stats page1000, int bytes50, int bytes1000) {}

  private static final int JOBS = 1000;

  private final RunningService service;
  private final int requests;

  ListCost(RunningService service, int requests) {
    this.service = service;
    this.requests = requests;
  }

  Result run() throws Exception {
    RunningService.Client user = service.newUser("lister", "parallel");
    String spec = "{\"command\":[\"true\"],\"pod_count\":2}";
    for (int batch = 0; batch < JOBS / 100; batch++) {
      user.send(
          "POST",
          "/api/v1/jobs/batch",
          "{\"jobs\":[" + String.join(",", java.util.Collections.nCopies(100, spec)) + "]}",
          201);
    }
    long start = System.nanoTime();
    while (user.get("/api/v1/jobs?status=succeeded&limit=1000").get("items").size() < JOBS) {
      Thread.sleep(100);
    }
    System.out.printf(
        "  %,d jobs of 2 pods ran (%.1f s)%n", JOBS, (System.nanoTime() - start) / 1e9);
    JsonNode sample = user.get("/api/v1/jobs?limit=1");
    System.out.printf("  a listed job's pods: %s%n", sample.get("items").get(0).get("pods"));
    Measured small = measure(user, 50);
    System.out.printf("  page of 50 (%,d bytes): %s%n", small.bytes(), small.stats());
    Measured large = measure(user, 1000);
    System.out.printf("  page of 1,000 (%,d bytes): %s%n", large.bytes(), large.stats());
    return new Result(small.stats(), large.stats(), small.bytes(), large.bytes());
  }

  private record Measured(Stats stats, int bytes) {}

  private Measured measure(RunningService.Client user, int limit) {
    HttpRequest request =
        user.request("/api/v1/jobs?limit=" + limit)
            .header("Accept", "application/json")
            .GET()
            .build();
    int bytes = user.text(request, 200).length();
    for (int i = 0; i < 50; i++) {
      user.text(request, 200);
    }
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      long start = System.nanoTime();
      user.text(request, 200);
      nanos.add(System.nanoTime() - start);
    }
    return new Measured(Stats.ofNanos(nanos), bytes);
  }
}
