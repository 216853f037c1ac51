package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.StatsQuery;
import dev.jobkit.sdk.jobs.ExportFormat;
import dev.jobkit.sdk.jobs.JobStats;
import dev.jobkit.sdk.jobs.JobStats.Figures;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.render.Table;
import dev.jobkit.shell.render.Times;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code job export} and {@code job stats}: the job history as the service streams it (CSV or JSON,
 * with the filters of {@code job list}), and its statistics as a table with a bar per state.
 */
final class JobHistoryCommands {

  /** The widest bar of {@code job stats}, in characters. */
  static final int BAR = 24;

  private JobHistoryCommands() {}

  static List<JobkitCommand> all(Session session) {
    return List.of(
        JobkitCommand.named("job export", session)
            .group(JobCommands.GROUP)
            .description("Write the job history as CSV or JSON, with the filters of job list")
            .option(
                Opt.value("format", "csv|json", "CSV (the default) or one JSON array")
                    .completes(Completions.words("csv", "json")))
            .options(ListFilters.OPTIONS)
            .option(
                Opt.value(
                    "output", "FILE", "write FILE (whole or not at all) instead of the output"))
            .examples(
                """
                  job export --format csv > jobs.csv
                  job export --status failed --since 7d --output failed.csv
                  job export --format json --app train --owner me\
                """)
            .action(JobHistoryCommands::export),
        JobkitCommand.named("job stats", session)
            .group(JobCommands.GROUP)
            .description(
                "Totals, states, success rate, run times and resource-seconds of your jobs")
            .option(ListFilters.SINCE)
            .option(ListFilters.FROM)
            .option(ListFilters.TO)
            .option(
                Opt.value("group-by", "user|app|status", "figures per user, app or state too")
                    .completes(Completions.words("user", "app", "status")))
            .option(
                Opt.value("owner", "USER", "admins: only this user's jobs (me: yours)")
                    .completes(Completions.userNames(true)))
            .option(
                Opt.value("app", "NAME", "only jobs of this app").completes(Completions.appNames()))
            .option(JobCommands.JSON)
            .examples(
                """
                  job stats --since 7d
                  job stats --since 30d --group-by app
                  job stats --from 2026-11-01 --to 2026-12-01 --json\
                """)
            .action(JobHistoryCommands::stats));
  }

  private static int export(Invocation in) {
    ExportFormat format =
        switch (in.string("format").orElse("csv").toLowerCase(Locale.ROOT)) {
          case "csv" -> ExportFormat.CSV;
          case "json" -> ExportFormat.JSON;
          default ->
              throw new UsageException(
                  "--format must be csv or json, not '" + in.string("format").orElse("") + "'");
        };
    JobQuery filters = ListFilters.query(in).build();
    Optional<String> output = in.string("output");
    if (output.isPresent()) {
      Path target = Path.of(output.get());
      in.client().jobs().export(format, filters, target);
      return Exits.OK;
    }
    // To the output only once the whole export is in: a broken one prints nothing.
    Path partial;
    try {
      partial = Files.createTempFile("jobkit-export-", "." + format.wireName());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a temporary file: " + e.getMessage(), e);
    }
    try {
      in.client().jobs().export(format, filters, partial);
      PrintWriter out = in.out();
      try (Reader reader = Files.newBufferedReader(partial, StandardCharsets.UTF_8)) {
        reader.transferTo(out);
      }
      out.flush();
      return Exits.OK;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + partial + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) {
        // a temporary file left behind is no reason to fail the export
      }
    }
  }

  private static int stats(Invocation in) {
    ListFilters.Range range = ListFilters.Range.of(in);
    StatsQuery.Builder q = StatsQuery.builder().from(range.from()).to(range.to());
    in.string("group-by")
        .map(
            g -> {
              try {
                return StatsQuery.GroupBy.valueOf(g.toUpperCase(Locale.ROOT));
              } catch (IllegalArgumentException e) {
                throw new UsageException("--group-by must be user, app or status, not '" + g + "'");
              }
            })
        .ifPresent(q::groupBy);
    in.string("owner").ifPresent(q::owner);
    in.string("app").ifPresent(q::app);
    JobStats stats = in.client().stats(q.build());
    if (in.flag("json")) {
      in.render().json(stats);
      return Exits.OK;
    }
    PrintWriter out = in.out();
    Figures total = stats.total();
    out.println(range(stats) + ": " + total.jobs() + " job(s), " + total.ended() + " ended");
    if (total.jobs() == 0) {
      return Exits.OK;
    }
    Table figures = Table.of("JOBS", "ENDED", "SUCCESS", "MEAN", "P95", "RESOURCE-S");
    figures.row(cells(total));
    in.render().wholeTable(figures);
    Table statuses = Table.of("STATUS", "JOBS", "");
    long most = total.byStatus().values().stream().mapToLong(n -> n).max().orElse(1);
    for (Map.Entry<JobStatus, Long> e : total.byStatus().entrySet()) {
      statuses.row(
          in.style().status(e.getKey()), Long.toString(e.getValue()), bar(e.getValue(), most));
    }
    in.render().wholeTable(statuses);
    if (stats.groupBy() != null && !stats.groups().isEmpty()) {
      Table groups =
          Table.of(
              stats.groupBy().toUpperCase(Locale.ROOT),
              "JOBS",
              "ENDED",
              "SUCCESS",
              "MEAN",
              "P95",
              "RESOURCE-S");
      for (JobStats.Group group : stats.groups()) {
        String[] cells = cells(group.figures());
        String[] row = new String[cells.length + 1];
        row[0] = group.key() == null ? "(none)" : group.key();
        System.arraycopy(cells, 0, row, 1, cells.length);
        groups.row(row);
      }
      in.render().wholeTable(groups);
    }
    return Exits.OK;
  }

  /** "jobs created since 2026-11-26 10:00:00 UTC", or between two times, or ever. */
  private static String range(JobStats stats) {
    if (stats.from() == null && stats.to() == null) {
      return "all jobs";
    }
    if (stats.to() == null) {
      return "jobs created since " + Times.absolute(stats.from());
    }
    if (stats.from() == null) {
      return "jobs created before " + Times.absolute(stats.to());
    }
    return "jobs created from "
        + Times.absolute(stats.from())
        + " to "
        + Times.absolute(stats.to());
  }

  private static String[] cells(Figures f) {
    return new String[] {
      Long.toString(f.jobs()),
      Long.toString(f.ended()),
      f.successRate() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", f.successRate() * 100),
      seconds(f.meanDurationSeconds()),
      seconds(f.p95DurationSeconds()),
      String.format(Locale.ROOT, "%.1f", f.resourceSeconds())
    };
  }

  private static String seconds(Double seconds) {
    return seconds == null ? "-" : Times.short_(Duration.ofMillis(Math.round(seconds * 1000)));
  }

  /** A bar of {@code n} out of {@code most}: at most {@value #BAR} characters, one at least. */
  static String bar(long n, long most) {
    int width = (int) Math.max(1, Math.round((double) n * BAR / Math.max(1, most)));
    return "#".repeat(width);
  }
}
