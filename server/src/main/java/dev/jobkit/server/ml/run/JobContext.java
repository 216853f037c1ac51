package dev.jobkit.server.ml.run;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a pod of the shipped apps is told by the service (its variables), and how it answers: its
 * parameters ({@code JOBKIT_PARAM_<NAME>}), the API at {@code JOBKIT_URL} with {@code
 * JOBKIT_TOKEN}, its progress and metrics files, its output dir.
 */
final class JobContext {

  /** A reason to stop with, as the job's log shows it; the program exits with code 2. */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message);
    }
  }

  private final Map<String, String> env;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  JobContext(Map<String, String> env) {
    this.env = env;
  }

  String variable(String name) throws Failure {
    String value = env.get(name);
    if (value == null || value.isEmpty()) {
      throw new Failure(name + " is not set: run me as a job of the service");
    }
    return value;
  }

  /** Parameter {@code name}, or null when the job has none. */
  String parameter(String name) {
    String value = env.get("JOBKIT_PARAM_" + name.toUpperCase(Locale.ROOT));
    return value == null || value.isEmpty() ? null : value;
  }

  String requiredParameter(String name) throws Failure {
    String value = parameter(name);
    if (value == null) {
      throw new Failure("parameter " + name + " is required");
    }
    return value;
  }

  int positiveInt(String name, Integer otherwise) throws Failure {
    String text = otherwise == null ? requiredParameter(name) : parameter(name);
    if (text == null) {
      return otherwise;
    }
    try {
      int value = Integer.parseInt(text);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new Failure("parameter " + name + " must be an integer > 0, not '" + text + "'");
  }

  double positiveNumber(String name, double otherwise) throws Failure {
    String text = parameter(name);
    if (text == null) {
      return otherwise;
    }
    try {
      double value = Double.parseDouble(text);
      if (value > 0 && Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new Failure("parameter " + name + " must be a number > 0, not '" + text + "'");
  }

  boolean flag(String name) {
    return "true".equals(parameter(name));
  }

  /** A file as the API answers it to this job, with its {@code ETag} (without quotes) if any. */
  record Download(byte[] bytes, String etag) {}

  /** GET {@code path} from the service with the job's token; anything but 200 is a failure. */
  Download get(String what, String path) throws Failure {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(variable("JOBKIT_URL") + path))
            .header("Authorization", "Bearer " + variable("JOBKIT_TOKEN"))
            .timeout(Duration.ofMinutes(5))
            .GET()
            .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new Failure("cannot fetch " + what + " from the service: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted while fetching " + what);
    }
    if (response.statusCode() != 200) {
      String body = new String(response.body(), StandardCharsets.UTF_8);
      throw new Failure(
          "cannot fetch "
              + what
              + ": GET "
              + path
              + " answered "
              + response.statusCode()
              + " "
              + body.substring(0, Math.min(body.length(), 500)));
    }
    String etag = response.headers().firstValue("ETag").map(t -> t.replace("\"", "")).orElse(null);
    return new Download(response.body(), etag);
  }

  /** The bytes of the caller's dataset {@code id}, read as a {@link Table}. */
  Table dataset(String parameter, String id) throws Failure {
    byte[] bytes =
        get(
                parameter + " " + id,
                "/api/v1/datasets/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/content")
            .bytes();
    try {
      return Table.parse("dataset " + id + " (" + parameter + ")", utf8(bytes));
    } catch (Table.BadCsvException e) {
      throw new Failure(e.getMessage());
    }
  }

  Path outputDir() throws Failure {
    return Path.of(variable("JOBKIT_OUTPUT_DIR"));
  }

  /** Writes the progress file in place (a pod cannot create files beside it). */
  void progress(double percent, String message) throws IOException {
    Map<String, Object> progress = new LinkedHashMap<>();
    progress.put("percent", percent);
    progress.put("message", message);
    writeInPlace(env.get("JOBKIT_PROGRESS_FILE"), Json.object(progress));
  }

  /** Writes the metrics file in place: its numeric members are the job's metrics. */
  void metrics(Map<String, Object> metrics) throws IOException {
    writeInPlace(env.get("JOBKIT_METRICS_FILE"), Json.object(metrics));
  }

  private static void writeInPlace(String file, String text) throws IOException {
    if (file == null || file.isEmpty()) {
      return;
    }
    Files.writeString(
        Path.of(file),
        text + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Runs {@code body}; a {@link Failure} is one line on stderr, the progress message {@code failed:
   * <reason>} (so the job shows why) and exit code 2.
   */
  static void main(String app, Body body) {
    JobContext job = new JobContext(System.getenv());
    try {
      body.run(job);
    } catch (Failure e) {
      System.err.println(app + ": " + e.getMessage());
      try {
        job.progress(0, "failed: " + e.getMessage());
      } catch (IOException | RuntimeException ignored) {
        // The log has it.
      }
      System.exit(2);
    } catch (Exception e) {
      System.err.println(app + ": failed: " + e);
      try {
        job.progress(0, "failed: " + e);
      } catch (IOException | RuntimeException ignored) {
        // The log has it.
      }
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** A program's work. */
  interface Body {
    void run(JobContext job) throws Exception;
  }
}
