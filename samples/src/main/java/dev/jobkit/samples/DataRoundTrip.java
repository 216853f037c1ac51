package dev.jobkit.samples;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.data.Dataset;
import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Datasets, models and results: upload a CSV, read it back checked against its SHA-256, list the
 * models and results train and predict jobs made, and delete the dataset. Run it against a service
 * with {@code JOBKIT_URL} and {@code JOBKIT_API_KEY} set, with a CSV file as its argument.
 */
public final class DataRoundTrip {

  private DataRoundTrip() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: DataRoundTrip FILE.csv");
      System.exit(2);
    }
    try (JobkitClient client = JobkitClient.fromEnvironment().build()) {
      run(client, Path.of(args[0]), System.out);
    }
  }

  /** The walk-through on {@code csv}, printing to {@code out}; returns the deleted dataset. */
  public static Dataset run(JobkitClient client, Path csv, PrintStream out) {
    try {
      // [data]
      Dataset data = client.datasets().upload(csv); // named after the file; .upload(name, bytes)
      out.println(data.id() + " " + data.sizeBytes() + " bytes, sha256 " + data.sha256());
      out.println(data.rows() + " rows, " + data.columns() + " columns");

      Path copy = Files.createTempFile("dataset-", ".csv");
      client.datasets().download(data.id(), copy); // ChecksumMismatchException if it differs
      out.println("downloaded to " + copy + ", checked");

      for (Model model : client.models().list()) { // .list(jobId): one train job's
        out.println(model.id() + " from " + model.jobId() + " " + model.metrics());
      }
      for (Result result : client.results().list()) {
        out.println(result.id() + " with " + result.modelId() + " " + result.files());
      }

      client.datasets().delete(data.id()); // the record, and the service's copy of the bytes
      // [data]
      Files.delete(copy);
      return data;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
