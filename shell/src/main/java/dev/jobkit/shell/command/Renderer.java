package dev.jobkit.shell.command;

import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.Pod;
import dev.jobkit.sdk.jobs.Progress;
import dev.jobkit.shell.render.Events;
import dev.jobkit.shell.render.Fields;
import dev.jobkit.shell.render.Json;
import dev.jobkit.shell.render.Style;
import dev.jobkit.shell.render.Table;
import dev.jobkit.shell.render.Times;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * How the {@code job} commands show what they got: jobs, events and guarded outcomes as tables and
 * lines for people, or JSON for programs. Every job command prints them through one of these, so a
 * job looks the same in {@code job get}, {@code job update} and {@code job watch}. It is longer
 * than most classes for that reason: every way a job is shown is here, side by side, and the tables
 * and fields it prints with ({@link Table}, {@link Fields}) hold the layout.
 */
final class Renderer {

  /** How many lines a live table takes on a terminal whose height is not known. */
  private static final int LIVE_LINES = 21;

  private final PrintWriter out;
  private final Style style;
  private final IntSupplier width;
  private final IntSupplier height;

  /**
   * @param width the terminal's width in columns, read at each table (a resized window counts from
   *     the next one); 0 when there is no terminal
   * @param height the terminal's height in lines, read at each live table; 0 when not known
   */
  Renderer(PrintWriter out, Style style, IntSupplier width, IntSupplier height) {
    this.out = out;
    this.style = style;
    this.width = width;
    this.height = height;
  }

  /** {@code value} as indented JSON (a job, a list of jobs, a job's events). */
  void json(Object value) {
    out.println(Json.write(value));
  }

  /** A line of secondary text ({@code no jobs match}, {@code -- job SUCCEEDED --}). */
  void note(String text) {
    out.println(style.dim(text));
  }

  /** {@code submitted job_… ("name"), QUEUED}. */
  void submitted(Job job) {
    out.println(
        "submitted "
            + style.cyan(job.id())
            + " (\""
            + job.displayName()
            + "\"), "
            + style.status(job.status()));
  }

  /** The line {@code job submit --wait} prints before it follows the job. */
  void followingSubmitted(Job job) {
    out.println(
        "submitted "
            + style.cyan(job.id())
            + " (\""
            + job.displayName()
            + "\"); waiting for it to end (Ctrl-C stops waiting, not the job)");
    out.flush();
  }

  /** One event of a followed job, indented under the job it belongs to. */
  void followed(JobEvent e) {
    String reason = Events.reason(e);
    out.println(
        "  "
            + style.dim(Times.absolute(e.at()).substring(11, 19))
            + "  "
            + Events.change(e, style)
            + (reason.isEmpty() ? "" : style.dim("  " + reason)));
    out.flush();
  }

  /** {@code job_… ended FAILED after 3s: exit code 1}. */
  void ended(Job end) {
    String took =
        end.finishedAt() != null
            ? " after " + Times.short_(Duration.between(end.createdAt(), end.finishedAt()))
            : "";
    out.println(
        style.cyan(end.id())
            + " ended "
            + style.status(end.status())
            + took
            + (end.lastError() != null ? ": " + end.lastError() : ""));
  }

  /** A list of jobs as a table, or a note that none match. */
  void jobs(List<Job> jobs, Instant now) {
    if (jobs.isEmpty()) {
      note("no jobs match");
      return;
    }
    jobTable(jobs, now).print(out, style, width.getAsInt());
  }

  /**
   * The default job table. Priority and pods are in {@link #wideJobs} only: with them the fixed
   * columns took all but 3 of 80 terminal columns, leaving the name nothing.
   */
  private Table jobTable(List<Job> jobs, Instant now) {
    Table t =
        Table.of("ID", "NAME", "STATUS", "OWNER", "CREATED", "REASON")
            .flexible("NAME", 28)
            .flexible("REASON", 40);
    for (Job j : jobs) {
      t.row(
          style.cyan(j.id()),
          j.displayName(),
          style.status(j.status()),
          j.owner(),
          Times.relative(j.createdAt(), now),
          style.dim(j.statusReason() == null ? "" : j.statusReason()));
    }
    return t;
  }

  /** A list of jobs as the wide table ({@code -o wide}), or a note that none match. */
  void wideJobs(List<Job> jobs, Instant now) {
    if (jobs.isEmpty()) {
      note("no jobs match");
      return;
    }
    Table t =
        Table.of(
                "ID",
                "NAME",
                "STATUS",
                "PRI",
                "PODS",
                "ATTEMPT",
                "OWNER",
                "CREATED",
                "STARTED",
                "DURATION",
                "TIMEOUT",
                "TAGS",
                "REASON")
            .flexible("NAME", 28)
            .flexible("TAGS", 40)
            .flexible("REASON", 40);
    for (Job j : jobs) {
      Instant end = j.finishedAt() != null ? j.finishedAt() : now;
      t.row(
          style.cyan(j.id()),
          j.displayName(),
          style.status(j.status()),
          String.valueOf(j.priority()),
          String.valueOf(j.podCount()),
          j.attempt() + "/" + j.maxAttempts(),
          j.owner(),
          Times.relative(j.createdAt(), now),
          Times.relative(j.startedAt(), now),
          j.startedAt() == null ? "-" : Times.short_(Duration.between(j.startedAt(), end)),
          j.timeoutSeconds() == null ? "-" : Times.short_(Duration.ofSeconds(j.timeoutSeconds())),
          j.tags() == null
              ? ""
              : j.tags().entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(",")),
          style.dim(j.statusReason() == null ? "" : j.statusReason()));
    }
    t.print(out, style, width.getAsInt());
  }

  /** What a template made ({@code -o jsonpath}), ending in a line break if it has none. */
  void text(String text) {
    out.print(text.isEmpty() || text.endsWith("\n") ? text : text + "\n");
    out.flush();
  }

  /**
   * A table whose columns the user chose ({@code -o custom-columns}): never cut, on a terminal or
   * not, as {@code --json} is not; they asked for those values.
   */
  void wholeTable(Table table) {
    table.print(out, Style.plain(), 0);
  }

  /**
   * The live table of {@code job watch} and {@code job list --watch}: the default table with
   * ELAPSED (how long the job has run, or waited if it has not started) and PROGRESS in place of
   * CREATED, which ELAPSED says better while the table is kept live.
   */
  private Table liveTable(List<Job> jobs, Instant now) {
    Table t =
        Table.of("ID", "NAME", "STATUS", "OWNER", "ELAPSED", "PROGRESS", "REASON")
            .flexible("NAME", 28)
            .flexible("PROGRESS", 40)
            .flexible("REASON", 40);
    for (Job j : jobs) {
      t.row(
          style.cyan(j.id()),
          j.displayName(),
          style.status(j.status()),
          j.owner(),
          elapsed(j, now),
          progress(j),
          style.dim(j.statusReason() == null ? "" : j.statusReason()));
    }
    return t;
  }

  /** From the job's start (or, before it, its submission) to its end (or now). */
  static String elapsed(Job j, Instant now) {
    Instant from = j.startedAt() != null ? j.startedAt() : j.createdAt();
    if (from == null) {
      return "-";
    }
    Instant to = j.finishedAt() != null ? j.finishedAt() : now;
    return Times.short_(to.isBefore(from) ? Duration.ZERO : Duration.between(from, to));
  }

  /** {@code 42% epoch 3/10}: what the job last reported of its progress; empty if nothing. */
  static String progress(Job j) {
    Progress p = j.progress();
    if (p == null) {
      return "";
    }
    String percent = p.percent() == null ? "" : String.format(Locale.ROOT, "%.0f%%", p.percent());
    String message = p.message() == null ? "" : p.message().replaceAll("[\\r\\n\\t]+", " ");
    return (percent + " " + message).strip();
  }

  /**
   * How many lines a live table may take: all the terminal's but the one the cursor waits on after
   * it, so that none scrolls out of reach of the redraw.
   */
  private int liveLines() {
    int lines = height.getAsInt();
    return lines > 1 ? lines - 1 : LIVE_LINES;
  }

  /** How many of {@code jobs} jobs the live table shows: the first ones, as many as fit. */
  int liveRowsShown(int jobs) {
    return Table.rowsThatFit(jobs, liveLines());
  }

  /**
   * Draws the live table over the one drawn before: the first jobs, as many as the terminal's
   * height holds, and a last line {@code … and N more} for the others.
   *
   * @param ordered the jobs, the first to show first (most recently changed)
   * @param empty what to say when there are none
   * @param drawn how many lines the last drawing took (0 for none)
   * @return how many lines this one took
   */
  int redraw(List<Job> ordered, String empty, int drawn) {
    int columns = width.getAsInt();
    List<String> lines =
        ordered.isEmpty()
            ? List.of(style.dim(empty))
            : liveTable(ordered, Instant.now()).lines(style, columns, liveLines());
    // Redraw in place: up over the last table, then each line cleared as it is written over, and
    // what is left below cleared after the last. No line of the table is wider than the terminal
    // (each is fitted or cut to its width), so the lines printed are the lines taken on the
    // screen, and there are fewer than its height, so none has scrolled out of reach. The screen
    // is not cleared from the cursor at once: at the top-left corner (a table as high as the
    // terminal) tmux keeps what such a clear erases in its history, a copy of the table each time.
    if (drawn > 0) {
      out.print("\u001B[" + drawn + "F");
    }
    StringBuilder b = new StringBuilder();
    for (String line : lines) {
      b.append("\u001B[2K").append(line).append(System.lineSeparator());
    }
    out.print(b.append("\u001B[J"));
    out.flush();
    return lines.size();
  }

  /** The live table without a terminal: its header and {@code jobs}' rows, once. */
  void liveTablePlain(List<Job> jobs) {
    liveTable(jobs, Instant.now()).print(out, Style.plain(), 0);
  }

  /**
   * One job as one row of the live table without its header, for a change seen without a terminal;
   * as kubectl's {@code get -w}, it is not aligned with the rows before it.
   */
  void liveRowPlain(Job job) {
    List<String> lines = liveTable(List.of(job), Instant.now()).lines(Style.plain(), 0);
    out.println(lines.get(1));
    out.flush();
  }

  /** One event as one line of JSON, for {@code job watch --json}. */
  void eventLine(JobEvent event) {
    out.println(Json.line(event));
    out.flush();
  }

  /** One event as one plain line naming its job, for {@code job watch} without a terminal. */
  void plainEventLine(JobEvent event) {
    String reason = Events.reason(event);
    out.println(
        Times.absolute(event.at()).substring(11, 19)
            + "  "
            + event.jobId()
            + "  "
            + Events.change(event, Style.plain())
            + (reason.isEmpty() ? "" : "  " + reason));
    out.flush();
  }

  /** A job's history as a table. */
  void events(List<JobEvent> events) {
    Table t = Table.of("TIME", "CHANGE", "ACTOR", "REASON").flexible("CHANGE").flexible("REASON");
    for (JobEvent e : events) {
      t.row(
          Times.absolute(e.at()),
          Events.change(e, style),
          e.actor()
              + (e.actorKind() == null
                  ? ""
                  : " (" + e.actorKind().name().toLowerCase(Locale.ROOT) + ")"),
          Events.reason(e));
    }
    t.print(out, style, width.getAsInt());
  }

  /**
   * One job, field by field, then its pods; at the terminal's width, long values (the command, the
   * reason, the last error) wrapping under their column.
   */
  void job(Job j) {
    Instant now = Instant.now();
    Fields rows = new Fields();
    rows.put("id", style.cyan(j.id()));
    rows.put("name", j.displayName());
    if (j.description() != null) {
      rows.put("description", j.description());
    }
    rows.put(
        "status",
        style.status(j.status()) + (j.statusReason() != null ? " (" + j.statusReason() + ")" : ""));
    rows.put("owner", j.owner() + ", " + j.accessibility().name().toLowerCase(Locale.ROOT));
    rows.put("priority", String.valueOf(j.priority()));
    rows.put("run", CommandOrShell.shown(j));
    rows.put("pods", String.valueOf(j.podCount()));
    rows.put("attempt", j.attempt() + " of " + j.maxAttempts());
    if (j.timeoutSeconds() != null) {
      rows.put("timeout", Times.short_(Duration.ofSeconds(j.timeoutSeconds())));
    }
    if (j.tags() != null && !j.tags().isEmpty()) {
      rows.put("tags", pairs(j.tags()));
    }
    if (j.parents() != null && !j.parents().isEmpty()) {
      rows.put("parents", String.join(", ", j.parents()));
    }
    rows.put("created", when(j.createdAt(), now));
    if (j.startedAt() != null) {
      rows.put("started", when(j.startedAt(), now));
    }
    if (j.finishedAt() != null) {
      rows.put("finished", when(j.finishedAt(), now));
    }
    if (j.startedAt() != null) {
      Instant end = j.finishedAt() != null ? j.finishedAt() : now;
      rows.put("ran for", Times.short_(Duration.between(j.startedAt(), end)));
    }
    if (j.progress() != null && !progress(j).isEmpty()) {
      rows.put("progress", progress(j));
    }
    if (j.metrics() != null && !j.metrics().isEmpty()) {
      rows.put("metrics", pairs(j.metrics()));
    }
    if (j.lastError() != null) {
      rows.put("last error", style.red(j.lastError()));
    }
    if (j.result() != null) {
      rows.put(
          "result",
          "exit code "
              + j.result().exitCode()
              + ", "
              + j.result().outputFiles()
              + " output file(s), "
              + j.result().outputBytes()
              + " bytes");
    }
    rows.print(out, style, width.getAsInt());
    if (j.pods() != null && !j.pods().isEmpty()) {
      Table pods = Table.of("POD", "STATUS", "PID", "EXIT", "STARTED");
      for (Pod p : j.pods()) {
        pods.row(
            String.valueOf(p.index()),
            p.status() == null ? "-" : p.status().name(),
            p.pid() == null ? "-" : String.valueOf(p.pid()),
            p.exitCode() == null ? "-" : String.valueOf(p.exitCode()),
            Times.relative(p.startedAt(), now));
      }
      out.println();
      pods.print(out, style, width.getAsInt());
    }
    out.flush();
  }

  /** What a guarded action came to, with what was or was not verified. */
  void outcome(Outcome outcome) {
    String took = style.dim(" (" + Times.short_(outcome.took()) + ")");
    OutcomeKind kind = outcome.kind();
    switch (kind) {
      case APPLIED ->
          out.println(style.green("APPLIED") + ": " + outcome.message() + ", verified" + took);
      case UNVERIFIED ->
          out.println(
              style.yellow("UNVERIFIED")
                  + ": "
                  + outcome.message()
                  + "; the end state was NOT verified"
                  + took);
      case DECLINED -> out.println(style.yellow("DECLINED") + ": " + outcome.message());
      default -> out.println(style.red(kind.name()) + ": " + outcome.message());
    }
    FlushOperation operation = outcome.operation();
    if (operation != null) {
      out.println(
          style.dim(
              "flush "
                  + operation.id()
                  + " "
                  + operation.status().wireName()
                  + ": matched "
                  + operation.matched()
                  + ", stopped "
                  + operation.stopped()
                  + ", removed "
                  + operation.deleted()
                  + " ("
                  + operation.removedModels()
                  + " model(s), "
                  + operation.removedResults()
                  + " result(s))"
                  + ", skipped "
                  + operation.skippedCount()));
    }
    out.flush();
  }

  private String when(Instant time, Instant now) {
    return Times.absolute(time) + style.dim(" (" + Times.relative(time, now) + ")");
  }

  private static String pairs(Map<String, ?> map) {
    return map.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
