package dev.jobkit.server.ml.run;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.MatrixUtils;

/**
 * The shipped {@code predict} app: loads a model's {@code weights.csv} (of model {@code model_id}
 * through the API, its checksum checked against the model record's; or from {@code model_path},
 * which the service checked is under a configured root), checks its shape against {@code gene_size}
 * and {@code output_dim}, fetches dataset {@code dataset_id} ({@code gene_size} feature columns,
 * optionally followed by {@code output_dim} target columns, then scored as {@code test_mse}), and
 * writes {@code predictions.csv}, which the service records as the result.
 */
public final class Predict {

  private Predict() {}

  public static void main(String[] args) {
    JobContext.main("predict", Predict::run);
  }

  static void run(JobContext job) throws Exception {
    String datasetId = job.requiredParameter("dataset_id");
    String modelId = job.parameter("model_id");
    String modelPath = job.parameter("model_path");
    int outputDim = job.positiveInt("output_dim", null);
    String geneText = job.parameter("gene_size");
    job.progress(0, "loading the model");
    Table weights = loadWeights(job, modelId, modelPath);
    LinearModel model = model(weights);
    int geneSize = geneText == null ? model.features() : job.positiveInt("gene_size", null);
    String name = modelId != null ? "model " + modelId : "model_path " + modelPath;
    if (model.features() != geneSize || model.outputs() != outputDim) {
      throw new JobContext.Failure(
          name
              + " maps "
              + model.features()
              + " features to "
              + model.outputs()
              + " targets, but gene_size is "
              + geneSize
              + " and output_dim "
              + outputDim);
    }
    job.progress(10, "fetching dataset " + datasetId);
    Table data = job.dataset("dataset_id", datasetId);
    boolean scored = data.columns() == geneSize + outputDim;
    if (data.columns() != geneSize && !scored) {
      throw new JobContext.Failure(
          "dataset "
              + datasetId
              + " has "
              + data.columns()
              + " columns, but gene_size is "
              + geneSize
              + " (and with targets, gene_size + output_dim = "
              + (geneSize + outputDim)
              + ")");
    }
    double[][] x = new double[data.rows().length][];
    double[][] y = new double[data.rows().length][];
    for (int i = 0; i < x.length; i++) {
      x[i] = Arrays.copyOfRange(data.rows()[i], 0, geneSize);
      y[i] = Arrays.copyOfRange(data.rows()[i], geneSize, data.columns());
    }
    job.progress(50, "predicting " + x.length + " rows");
    double[][] predictions = model.predict(x);
    List<String> targets = weights.names().subList(1, weights.columns());
    StringBuilder out = new StringBuilder(String.join(",", targets)).append('\n');
    for (double[] row : predictions) {
      for (int j = 0; j < row.length; j++) {
        out.append(j == 0 ? "" : ",").append(row[j]);
      }
      out.append('\n');
    }
    Files.writeString(job.outputDir().resolve("predictions.csv"), out);
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("rows", x.length);
    if (scored) {
      double mse = model.mse(x, y);
      metrics.put("test_mse", mse);
      System.out.printf("predict: test_mse %.6g%n", mse);
    }
    job.metrics(metrics);
    job.progress(100, "predicted " + x.length + " rows");
    System.out.printf("predict: %d rows -> predictions.csv (%s)%n", x.length, name);
  }

  /** A model from its weights: one row per feature then the biases, one column per target. */
  static LinearModel model(Table weights) throws JobContext.Failure {
    double[][] rows = weights.rows();
    if (rows.length < 2 || weights.columns() < 2) {
      throw new JobContext.Failure(
          "weights.csv holds no model: it needs a row per feature, a bias row, and a column per"
              + " target after the term's name");
    }
    double[][] w = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      w[i] = Arrays.copyOfRange(rows[i], 1, rows[i].length);
    }
    return new LinearModel(MatrixUtils.createRealMatrix(w));
  }

  private static Table loadWeights(JobContext job, String modelId, String modelPath)
      throws JobContext.Failure, IOException {
    String text;
    if (modelId != null) {
      JobContext.Download file =
          job.get(
              "model " + modelId,
              "/api/v1/models/"
                  + URLEncoder.encode(modelId, StandardCharsets.UTF_8)
                  + "/files/weights.csv");
      String sha = JobContext.sha256(file.bytes());
      if (file.etag() == null || !file.etag().equals(sha)) {
        throw new JobContext.Failure(
            "model "
                + modelId
                + ": weights.csv does not match its recorded sha256 ("
                + file.etag()
                + ", read "
                + sha
                + ")");
      }
      text = JobContext.utf8(file.bytes());
    } else if (modelPath != null) {
      Path path = Path.of(modelPath);
      Path file = Files.isDirectory(path) ? path.resolve("weights.csv") : path;
      if (!Files.isReadable(file)) {
        throw new JobContext.Failure("model_path: cannot read " + file);
      }
      text = Files.readString(file);
    } else {
      throw new JobContext.Failure("give model_id or model_path");
    }
    try {
      return weightsTable(text);
    } catch (Table.BadCsvException e) {
      throw new JobContext.Failure(e.getMessage());
    }
  }

  /** weights.csv: a header, then rows of a term's name and its weights. */
  static Table weightsTable(String text) throws Table.BadCsvException {
    // The first cell of each row is a name: read it as 0 so the numbers parse, keep the header.
    StringBuilder numeric = new StringBuilder();
    String[] lines = text.split("\n");
    numeric.append(lines[0]).append('\n');
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      int comma = lines[i].indexOf(',');
      numeric.append('0').append(comma < 0 ? "" : lines[i].substring(comma)).append('\n');
    }
    Table table = Table.parse("weights.csv", numeric.toString());
    if (!"term".equals(table.names().get(0))) {
      throw new Table.BadCsvException("weights.csv: its header starts with 'term'");
    }
    return table;
  }
}
