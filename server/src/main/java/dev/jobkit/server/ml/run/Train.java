package dev.jobkit.server.ml.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The shipped {@code train} app: fetches its dataset ({@code prepared_dataset_id} when given, else
 * {@code dataset_id}), a CSV of {@code gene_size} feature columns then {@code output_dim} target
 * columns; trains a {@link LinearModel} for {@code epochs} epochs of batches of {@code batch_size}
 * with step {@code lr}, reporting each epoch's progress and {@code train_mse}; evaluates it on
 * {@code control_dataset_id} when given ({@code control_mse}); writes {@code weights.csv}, {@code
 * model.json} and {@code training.csv} to its output dir, which the service records as the model.
 */
public final class Train {

  /** The epochs when the job names none. */
  static final int DEFAULT_EPOCHS = 100;

  /** Shuffling is seeded: the same dataset and parameters train the same weights. */
  static final long SEED = 20261203L;

  private Train() {}

  public static void main(String[] args) {
    JobContext.main("train", Train::run);
  }

  static void run(JobContext job) throws Exception {
    String datasetId = job.requiredParameter("dataset_id");
    String prepared = job.parameter("prepared_dataset_id");
    String control = job.parameter("control_dataset_id");
    int geneSize = job.positiveInt("gene_size", null);
    int outputDim = job.positiveInt("output_dim", null);
    int batchSize = job.positiveInt("batch_size", 64);
    int epochs = job.positiveInt("epochs", DEFAULT_EPOCHS);
    double lr = job.positiveNumber("lr", 1e-4);
    boolean drugStructure = job.flag("use_drug_structure");

    String source = prepared != null ? "prepared_dataset_id" : "dataset_id";
    String sourceId = prepared != null ? prepared : datasetId;
    long started = System.nanoTime();
    job.progress(0, "fetching dataset " + sourceId);
    Split data = split(job.dataset(source, sourceId), sourceId, geneSize, outputDim);
    Split check =
        control == null
            ? null
            : split(job.dataset("control_dataset_id", control), control, geneSize, outputDim);
    System.out.printf(
        "train: %d rows, %d features -> %d targets; %d epochs, batch_size %d, lr %s%n",
        data.x.length, geneSize, outputDim, epochs, batchSize, lr);
    long fetched = System.nanoTime();

    List<String> history = new ArrayList<>(List.of("epoch,train_mse"));
    double[] first = {Double.NaN};
    LinearModel model =
        LinearModel.fit(
            data.x,
            data.y,
            batchSize,
            lr,
            epochs,
            SEED,
            (epoch, mse) -> {
              if (epoch == 1) {
                first[0] = mse;
              }
              history.add(epoch + "," + mse);
              Map<String, Object> metrics = new LinkedHashMap<>();
              metrics.put("epoch", epoch);
              metrics.put("train_mse", mse);
              metrics.put("first_epoch_train_mse", first[0]);
              job.metrics(metrics);
              job.progress(
                  100.0 * epoch / epochs, "epoch " + epoch + "/" + epochs + ", train_mse " + mse);
              if (epoch == 1 || epoch == epochs || epoch % Math.max(1, epochs / 10) == 0) {
                System.out.printf("epoch %d/%d train_mse %.6g%n", epoch, epochs, mse);
              }
            });

    double trainMse = model.mse(data.x, data.y);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("epoch", epochs);
    metrics.put("train_mse", trainMse);
    metrics.put("first_epoch_train_mse", first[0]);
    if (check != null) {
      double controlMse = model.mse(check.x, check.y);
      metrics.put("control_mse", controlMse);
      System.out.printf("control_mse %.6g on %s%n", controlMse, control);
    }

    Path out = job.outputDir();
    Files.writeString(out.resolve("weights.csv"), weights(model.weights(), data));
    Files.writeString(out.resolve("training.csv"), String.join("\n", history) + "\n");
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", "jobkit-linear-regression/1");
    meta.put("gene_size", geneSize);
    meta.put("output_dim", outputDim);
    meta.put("features", data.features);
    meta.put("targets", data.targets);
    meta.put("dataset_id", datasetId);
    meta.put("trained_on", sourceId);
    meta.put("control_dataset_id", control);
    meta.put("use_drug_structure", drugStructure);
    meta.put("epochs", epochs);
    meta.put("batch_size", batchSize);
    meta.put("lr", lr);
    meta.put("rows", data.x.length);
    meta.put("metrics", metrics);
    Files.writeString(out.resolve("model.json"), Json.object(meta) + "\n");
    job.metrics(metrics);
    job.progress(100, "trained: train_mse " + trainMse);
    System.out.printf("train: done, train_mse %.6g (first epoch %.6g)%n", trainMse, first[0]);
    System.out.printf(
        "train: %d ms since the JVM started: %d ms to fetch the data, %d ms to train and write%n",
        java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
        (fetched - started) / 1_000_000,
        (System.nanoTime() - fetched) / 1_000_000);
  }

  /** The features and targets of a dataset, its column count checked. */
  record Split(double[][] x, double[][] y, List<String> features, List<String> targets) {}

  static Split split(Table table, String id, int geneSize, int outputDim)
      throws JobContext.Failure {
    if (table.columns() != geneSize + outputDim) {
      throw new JobContext.Failure(
          "dataset "
              + id
              + " has "
              + table.columns()
              + " columns, but gene_size "
              + geneSize
              + " + output_dim "
              + outputDim
              + " = "
              + (geneSize + outputDim)
              + " (the features, then the targets)");
    }
    double[][] x = new double[table.rows().length][];
    double[][] y = new double[table.rows().length][];
    for (int i = 0; i < x.length; i++) {
      x[i] = Arrays.copyOfRange(table.rows()[i], 0, geneSize);
      y[i] = Arrays.copyOfRange(table.rows()[i], geneSize, geneSize + outputDim);
    }
    return new Split(
        x,
        y,
        table.names().subList(0, geneSize),
        table.names().subList(geneSize, geneSize + outputDim));
  }

  /** {@code term,<target>...}: one row per feature, then {@code bias}. */
  static String weights(RealMatrix w, Split data) {
    StringBuilder out = new StringBuilder("term");
    data.targets().forEach(t -> out.append(',').append(t));
    out.append('\n');
    for (int r = 0; r < w.getRowDimension(); r++) {
      out.append(r < data.features().size() ? data.features().get(r) : "bias");
      for (double v : w.getRow(r)) {
        out.append(',').append(v);
      }
      out.append('\n');
    }
    return out.toString();
  }
}
