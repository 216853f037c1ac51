package dev.jobkit.server.api;

import dev.jobkit.sdk.jobs.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;

/**
 * A job as one CSV record of the export: its columns, and the cells as a spreadsheet may open them.
 * RFC 4180 (Commons CSV's {@link CSVFormat#RFC4180}: comma, double quotes, CRLF); a cell that a
 * spreadsheet program would run as a formula (it starts with {@code =}, {@code +}, {@code -},
 * {@code @}, a tab or a carriage return) gets a leading {@code '}, as OWASP advises against CSV
 * injection.
 */
final class JobCsv {

  /** The header row: the columns, in order. */
  static final List<String> COLUMNS =
      List.of(
          "id",
          "display_name",
          "owner",
          "status",
          "status_reason",
          "app",
          "app_version",
          "priority",
          "accessibility",
          "pod_count",
          "attempt",
          "max_attempts",
          "tags",
          "parents",
          "command",
          "exit_code",
          "last_error",
          "created_at",
          "started_at",
          "finished_at",
          "duration_seconds");

  static final CSVFormat FORMAT =
      CSVFormat.RFC4180.builder().setHeader(COLUMNS.toArray(String[]::new)).get();

  private JobCsv() {}

  /** The job's cells, in the order of {@link #COLUMNS}, each safe to open in a spreadsheet. */
  static List<String> record(Job job) {
    List<String> cells = new ArrayList<>(COLUMNS.size());
    cells.add(job.id());
    cells.add(job.displayName());
    cells.add(job.owner());
    cells.add(job.status().name());
    cells.add(job.statusReason());
    cells.add(job.app());
    cells.add(text(job.appVersion()));
    cells.add(Integer.toString(job.priority()));
    cells.add(job.accessibility() == null ? null : job.accessibility().name());
    cells.add(Integer.toString(job.podCount()));
    cells.add(Integer.toString(job.attempt()));
    cells.add(Integer.toString(job.maxAttempts()));
    cells.add(tags(job.tags()));
    cells.add(String.join(" ", job.parents()));
    cells.add(job.command() != null ? String.join(" ", job.command()) : job.shell());
    cells.add(job.result() == null ? null : text(job.result().exitCode()));
    cells.add(job.lastError());
    cells.add(text(job.createdAt()));
    cells.add(text(job.startedAt()));
    cells.add(text(job.finishedAt()));
    cells.add(duration(job.startedAt(), job.finishedAt()));
    return cells.stream().map(JobCsv::safe).toList();
  }

  /**
   * The cell as a spreadsheet shows it and never runs it: a leading {@code '} before {@code =},
   * {@code +}, {@code -}, {@code @}, a tab or a carriage return; null as an empty cell.
   */
  static String safe(String cell) {
    if (cell == null || cell.isEmpty()) {
      return "";
    }
    return switch (cell.charAt(0)) {
      case '=', '+', '-', '@', '\t', '\r' -> "'" + cell;
      default -> cell;
    };
  }

  /** The tags as {@code key=value} pairs sorted by key, separated by {@code ;}. */
  private static String tags(Map<String, String> tags) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(tags)
        .forEach((k, v) -> text.append(text.isEmpty() ? "" : ";").append(k).append('=').append(v));
    return text.toString();
  }

  /** Seconds from start to finish, to the millisecond; empty unless the job started and ended. */
  private static String duration(Instant started, Instant finished) {
    if (started == null || finished == null) {
      return null;
    }
    return java.math.BigDecimal.valueOf(Duration.between(started, finished).toMillis(), 3)
        .toPlainString();
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }
}
