package dev.jobkit.samples;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.apps.AppRun;
import dev.jobkit.sdk.data.Dataset;
import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.sdk.data.StoredFile;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An app pipeline: upload the example dataset, train two models with different learning rates in
 * one batch with a job that runs once both have succeeded, keep the model with the lower {@code
 * train_mse}, and predict with it. Run it against a service with {@code JOBKIT_URL} and {@code
 * JOBKIT_API_KEY} set, with {@code docs/examples/genes.csv} as its argument.
 */
public final class TrainPipeline {

  /** docs/examples/genes.csv: 8 gene columns, then 2 target columns. */
  private static final int GENE_SIZE = 8;

  private static final int OUTPUT_DIM = 2;

  private static final Duration WAIT = Duration.ofMinutes(5);

  private TrainPipeline() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: TrainPipeline genes.csv");
      System.exit(2);
    }
    try (JobkitClient client = JobkitClient.fromEnvironment().build()) {
      run(client, Path.of(args[0]), System.out);
    }
  }

  /**
   * The pipeline on {@code csv}, printing to {@code out}; returns the predict job's result.
   *
   * @throws IllegalStateException if a job of it does not succeed
   */
  public static Result run(JobkitClient client, Path csv, PrintStream out) {
    // [pipeline]
    Dataset data = client.datasets().upload(csv);
    out.println(
        "uploaded " + data.id() + ": " + data.rows() + " rows, " + data.columns() + " columns");

    // One batch, all or none: "compare" names the two trains by their refs and is queued only once
    // both have succeeded (if one fails, it fails with reason parent_failed and never runs).
    List<Job> batch =
        client
            .jobs()
            .submitBatch(
                List.of(
                    train(data, "fast", 0.05),
                    train(data, "slow", 0.005),
                    JobSpec.builder()
                        .ref("compare")
                        .parents("fast", "slow")
                        .displayName("compare")
                        .shell("echo both models trained")
                        .build()));
    for (Job job : batch) {
      out.println("submitted " + job.id() + " " + job.displayName() + " " + job.status());
    }
    Job compare = client.jobs().await(batch.get(2).id(), JobStatus::isTerminal, WAIT);
    out.println("compare ended " + compare.status());
    succeeded(compare);

    // A train job's model is recorded as it succeeds, before its children are released: both are
    // there now.
    Model best = null;
    for (Job train : batch.subList(0, 2)) {
      Model model = client.models().list(train.id()).get(0);
      out.println(
          model.id()
              + " from "
              + train.displayName()
              + " (lr "
              + model.parameters().get("lr")
              + "): train_mse "
              + trainMse(model));
      if (best == null || trainMse(model) < trainMse(best)) {
        best = model;
      }
    }
    out.println("best: " + best.id());

    // Predict comes after the batch, not inside it: a batch is sent whole, every parameter known,
    // and a model id exists only once its train job has succeeded (nor is the better of the two
    // known before both have). A child in the batch could wait for a train, not name its model.
    Job predict =
        client
            .jobs()
            .submit(
                AppRun.of("predict")
                    .param("dataset_id", data.id())
                    .param("model_id", best.id())
                    .param("gene_size", GENE_SIZE)
                    .param("output_dim", OUTPUT_DIM)
                    .displayName("predict")
                    .build());
    out.println("submitted " + predict.id() + " predict with " + best.id());
    Job predicted = client.jobs().await(predict.id(), JobStatus::isTerminal, WAIT);
    out.println("predict ended " + predicted.status());
    succeeded(predicted);

    Result result = client.results().list(predict.id()).get(0);
    out.println("result " + result.id() + " with " + result.modelId());
    for (StoredFile file : result.files()) {
      out.println("  " + file.path() + " " + file.sizeBytes() + " bytes, sha256 " + file.sha256());
    }
    Object testMse = result.metrics().get("test_mse"); // when the dataset has the targets
    if (testMse != null) {
      out.println("test_mse " + testMse);
    }
    // [pipeline]
    return result;
  }

  private static JobSpec train(Dataset data, String ref, double lr) {
    // [pipeline-train]
    return AppRun.of("train")
        .ref(ref)
        .displayName("train-" + ref)
        .param("dataset_id", data.id())
        .param("gene_size", GENE_SIZE)
        .param("output_dim", OUTPUT_DIM)
        .param("lr", lr)
        .param("batch_size", 16)
        .build()
        .spec(); // a JobSpec like any other, so it can go in a batch
    // [pipeline-train]
  }

  private static double trainMse(Model model) {
    return ((Number) model.metrics().get("train_mse")).doubleValue();
  }

  private static void succeeded(Job job) {
    if (job.status() != JobStatus.SUCCEEDED) {
      throw new IllegalStateException(
          job.id() + " ended " + job.status() + ": " + job.statusReason() + " " + job.lastError());
    }
  }
}
