package dev.jobkit.bench;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13's figures: the time of the shipped {@code train} app on docs/examples/genes.csv (200
 * rows, 8 features, 2 targets; 100 epochs), and of {@code predict} with its model, from the job's
 * creation to its end as the service recorded them (a JVM of its own starts, fetches the dataset,
 * trains, writes its files; the model record is made when it ends); and the overhead of a job of an
 * app with no hooks or transfers ({@code ["true"]}) against the same plain command, one job at a
 * time, interleaved, on an idle service.
 */
final class AppJobCost {

  record Result(Stats train, Stats predict, Stats app, Stats plain) {
    double ratio() {
      return app.p50() / plain.p50();
    }
  }

  private final RunningService service;
  private final int trainRuns;
  private final int overheadRuns;

  AppJobCost(RunningService service, int trainRuns, int overheadRuns) {
    this.service = service;
    this.trainRuns = trainRuns;
    this.overheadRuns = overheadRuns;
  }

  Result run() throws Exception {
    RunningService.Client user = service.newUser("trainer", "parallel");
    byte[] genes = Files.readAllBytes(Path.of("docs/examples/genes.csv"));
    String dataset =
        RunningService.JSON
            .readTree(
                user.text(
                    user.request("/api/v1/datasets?name=genes.csv")
                        .header("Content-Type", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(genes))
                        .build(),
                    201))
            .get("id")
            .asString();
    String train =
        "{\"app\":\"train\",\"parameters\":{\"dataset_id\":\""
            + dataset
            + "\",\"gene_size\":8,\"output_dim\":2}}";
    List<Double> trains = new ArrayList<>();
    List<Double> predicts = new ArrayList<>();
    for (int i = 0; i < trainRuns + 1; i++) {
      JsonNode trained = runOne(user, train);
      String model =
          user.get("/api/v1/models?job_id=" + trained.get("id").asString())
              .get("items")
              .get(0)
              .get("id")
              .asString();
      JsonNode predicted =
          runOne(
              user,
              "{\"app\":\"predict\",\"parameters\":{\"dataset_id\":\""
                  + dataset
                  + "\",\"model_id\":\""
                  + model
                  + "\",\"gene_size\":8,\"output_dim\":2}}");
      if (i == 0) {
        System.out.printf(
            "  first train (untimed): %.0f ms, train_mse %s -> %s%n",
            millis(trained),
            trained.get("metrics").get("first_epoch_train_mse"),
            trained.get("metrics").get("train_mse"));
        continue;
      }
      trains.add(millis(trained));
      predicts.add(millis(predicted));
    }
    String last =
        user.get("/api/v1/jobs?app=train&limit=1").get("items").get(0).get("id").asString();
    String log = user.get("/api/v1/jobs/" + last + "/log").get("content").asString();
    System.out.printf(
        "  the last train job's log ends: %s%n",
        log.strip().lines().reduce((a, b) -> b).orElse(""));
    Stats trainStats = Stats.ofMillis(trains.stream().mapToDouble(d -> d).toArray());
    Stats predictStats = Stats.ofMillis(predicts.stream().mapToDouble(d -> d).toArray());
    System.out.printf("  train, created -> SUCCEEDED: %s%n", trainStats);
    System.out.printf("  predict, created -> SUCCEEDED: %s%n", predictStats);

    service.admin().send("PUT", "/api/v1/apps/bench-noop", "{\"command\":[\"true\"]}", 200);
    List<Double> app = new ArrayList<>();
    List<Double> plain = new ArrayList<>();
    for (int i = 0; i < overheadRuns + 20; i++) {
      double a = millis(runOne(user, "{\"app\":\"bench-noop\"}"));
      double p = millis(runOne(user, "{\"command\":[\"true\"]}"));
      if (i >= 20) {
        app.add(a);
        plain.add(p);
      }
    }
    Stats appStats = Stats.ofMillis(app.stream().mapToDouble(d -> d).toArray());
    Stats plainStats = Stats.ofMillis(plain.stream().mapToDouble(d -> d).toArray());
    System.out.printf("  app job (no hooks), created -> SUCCEEDED: %s%n", appStats);
    System.out.printf("  plain command job, created -> SUCCEEDED: %s%n", plainStats);
    return new Result(trainStats, predictStats, appStats, plainStats);
  }

  /** Submits one job and waits for its end; fails unless it succeeded. */
  private static JsonNode runOne(RunningService.Client user, String spec) throws Exception {
    String id = user.send("POST", "/api/v1/jobs", spec, 201).get("id").asString();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = user.get("/api/v1/jobs/" + id);
      if (!job.path("finished_at").isNull() && !job.path("finished_at").isMissingNode()) {
        if (!"SUCCEEDED".equals(job.get("status").asString())) {
          throw new IllegalStateException("job " + id + " ended " + job);
        }
        return job;
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("job " + id + " did not end in 5 minutes");
  }

  private static double millis(JsonNode job) {
    return Duration.between(
                Instant.parse(job.get("created_at").asString()),
                Instant.parse(job.get("finished_at").asString()))
            .toNanos()
        / 1e6;
  }
}
