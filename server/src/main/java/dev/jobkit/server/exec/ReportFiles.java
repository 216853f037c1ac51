package dev.jobkit.server.exec;

import dev.jobkit.sdk.jobs.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the progress and metrics a job writes: {@code JOBKIT_PROGRESS_FILE} holds a number
 * (percent) or {@code {"percent": 42, "message": "epoch 3/10"}}; {@code JOBKIT_METRICS_FILE} a JSON
 * object of numbers. A file over 64 KiB, half-written or malformed reads as nothing (the job's
 * business: the last good report stands). The external worker reads them with this to report them
 * in its heartbeats; the service reads its own jobs' the same way ({@code engine.JobReports}).
 */
public final class ReportFiles {

  private static final int MAX_FILE_BYTES = 64 * 1024;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ReportFiles() {}

  /** The progress {@code file} holds, or null when it holds none (or none readable). */
  public static Progress progress(Path file) {
    JsonNode node = read(file);
    return node == null ? null : progressOf(node, modified(file));
  }

  /**
   * The progress a report's JSON says (a number, or an object with {@code percent} and {@code
   * message}), as of {@code at}; null when it says none. Percent is kept within 0–100, the message
   * within 500 characters.
   */
  public static Progress progressOf(JsonNode node, Instant at) {
    if (node.isNumber()) {
      return new Progress(clamp(node.asDouble()), null, at);
    }
    if (node.isObject()) {
      JsonNode percent = node.get("percent");
      JsonNode message = node.get("message");
      return new Progress(
          percent != null && percent.isNumber() ? clamp(percent.asDouble()) : null,
          message != null && message.isString() ? truncate(message.asString()) : null,
          at);
    }
    return null;
  }

  /** The finite numbers {@code file} holds by name, in file order; empty when none. */
  public static Map<String, Double> metrics(Path file) {
    JsonNode node = read(file);
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        // Only numbers: Jackson 3's asDouble() throws for a string that is no number ("text").
        if (e.getValue().isNumber() && Double.isFinite(e.getValue().asDouble())) {
          metrics.put(e.getKey(), e.getValue().asDouble());
        }
      }
    }
    return metrics;
  }

  /** The JSON {@code file} holds whole, or null (missing, empty, over 64 KiB, malformed). */
  public static JsonNode read(Path file) {
    // Most jobs never write a report: a cheap check spares an exception per file per job.
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        return null;
      }
      String text = Files.readString(file).strip();
      return text.isEmpty() ? null : JSON.readTree(text);
    } catch (NoSuchFileException notWritten) {
      return null;
    } catch (IOException | JacksonException unreadable) {
      return null;
    }
  }

  /** When {@code file} was last written, or null when that cannot be read. */
  public static Instant modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (IOException e) {
      return null;
    }
  }

  private static double clamp(double percent) {
    return Math.max(0, Math.min(100, percent));
  }

  private static String truncate(String text) {
    return text.length() <= 500 ? text : text.substring(0, 500);
  }
}
