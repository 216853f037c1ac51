package dev.jobkit.shell.command;

import dev.jobkit.sdk.EventStream;
import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.Logs;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.jobs.Pod;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import dev.jobkit.shell.render.Events;
import dev.jobkit.shell.render.Json;
import dev.jobkit.shell.render.Style;
import dev.jobkit.shell.render.Table;
import dev.jobkit.shell.render.Times;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code job} commands: they translate options into SDK calls and render the answers (tables
 * for people, {@code --json} for programs). Lifecycle questions (which statuses end a job, which
 * allow a stop) are asked of the SDK's lifecycle table.
 */
public final class JobCommands {

  private static final String GROUP = "Jobs";

  /** How long {@code job flush} follows the flush's operation before it reports it unverified. */
  private static final Duration FLUSH_FOLLOW = Duration.ofMinutes(30);

  private static final JobStatus[] STOPPABLE =
      Operation.STOP.allowedStatuses().toArray(JobStatus[]::new);
  private static final JobStatus[] DELETABLE =
      Operation.DELETE.allowedStatuses().toArray(JobStatus[]::new);

  private JobCommands() {}

  /** Every {@code job} command of {@code session}. */
  public static List<JobkitCommand> all(Session session) {
    Opt json = Opt.flag("json", "print JSON instead of a table");
    Opt yes = Opt.flag("yes", "do not ask; answer yes (for scripts)").shortName('y');
    List<JobkitCommand> commands = new ArrayList<>();
    commands.add(
        JobkitCommand.named("job submit", session)
            .group(GROUP)
            .description("Submit a job: a command (argv) or a --shell string")
            .option(Opt.value("shell", "SCRIPT", "run SCRIPT with /bin/sh -c").shortName('s'))
            .option(Opt.value("name", "NAME", "display name (default: the command)").shortName('n'))
            .option(Opt.value("description", "TEXT", "free text"))
            .option(Opt.value("pods", "N", "processes per attempt (default 1)"))
            .option(Opt.value("priority", "1-9", "9 runs first (default 5)").shortName('p'))
            .option(
                Opt.value("parent", "ID", "run after this job succeeds")
                    .many()
                    .completes(Completions.jobIds()))
            .option(Opt.value("tag", "KEY=VALUE", "a label to filter by").many())
            .option(Opt.value("env", "NAME=VALUE", "an environment variable").many())
            .option(Opt.value("timeout", "DURATION", "limit per attempt: 90s, 10m, 2h"))
            .option(Opt.value("attempts", "N", "launch at most N times (default 1)"))
            .option(Opt.flag("public", "let every user read it"))
            .option(
                Opt.flag("wait", "follow the job to its end; exit 0 only if it SUCCEEDED")
                    .shortName('w'))
            .option(json)
            .arguments("[--] [COMMAND [ARG...]]", null)
            .trailingArguments()
            .examples(
                """
                  job submit sleep 30
                  job submit --shell 'for i in 1 2 3; do echo $i; sleep 1; done' --name count --wait
                  job submit --priority 9 --tag team=vision --timeout 2h -- python train.py --epochs 10\
                """)
            .action(JobCommands::submit));
    commands.add(
        JobkitCommand.named("job list", session)
            .group(GROUP)
            .description("List jobs, newest first")
            .option(
                Opt.value("status", "STATUS", "only these states (aliases: running, pending, ...)")
                    .many()
                    .completes(Completions.statuses()))
            .option(Opt.value("owner", "USER", "only this user's jobs"))
            .option(Opt.value("tag", "KEY=VALUE", "only jobs with this tag").many())
            .option(Opt.value("name", "TEXT", "display name contains TEXT"))
            .option(
                Opt.value("parent", "ID", "only children of this job")
                    .completes(Completions.jobIds()))
            .option(Opt.value("since", "DURATION", "created in the last DURATION: 30m, 7d"))
            .option(Opt.value("from", "TIME", "created at or after TIME (2026-11-23, ...T20:15Z)"))
            .option(Opt.value("to", "TIME", "created before TIME"))
            .option(Opt.value("limit", "N", "at most N jobs (default 50, max 1000)"))
            .option(Opt.flag("all", "every matching job, page after page"))
            .option(json)
            .examples(
                """
                  job list --status running
                  job list --status failed,canceled --since 7d
                  job list --tag team=vision --json\
                """)
            .action(JobCommands::list));
    commands.add(
        JobkitCommand.named("job get", session)
            .group(GROUP)
            .description("Show one job")
            .option(json)
            .arguments("ID", Completions.jobIds())
            .action(JobCommands::get));
    commands.add(
        JobkitCommand.named("job update", session)
            .group(GROUP)
            .description("Change a job's name, description, priority, pods or visibility")
            .option(Opt.value("name", "NAME", "new display name").shortName('n'))
            .option(Opt.value("description", "TEXT", "new description"))
            .option(Opt.value("priority", "1-9", "new priority").shortName('p'))
            .option(Opt.value("pods", "N", "pods from the next launch on"))
            .option(Opt.flag("public", "let every user read it"))
            .option(Opt.flag("private", "only its owner (and admins) may read it"))
            .option(json)
            .arguments("ID", Completions.jobIds())
            .action(JobCommands::update));
    commands.add(
        JobkitCommand.named("job stop", session)
            .group(GROUP)
            .description("Stop a job (asks first; verifies it ends CANCELED)")
            .alias("job cancel")
            .option(yes)
            .arguments("ID", Completions.jobIds(STOPPABLE))
            .action(
                in -> {
                  String id = in.argument("a job id");
                  return Guarded.run(in, id, g -> g.stop(id));
                }));
    commands.add(
        JobkitCommand.named("job delete", session)
            .group(GROUP)
            .description("Delete an ended job with its events and files (asks first)")
            .option(yes)
            .option(Opt.flag("keep-files", "keep the job's files on disk"))
            .arguments("ID", Completions.jobIds(DELETABLE))
            .action(
                in -> {
                  String id = in.argument("a job id");
                  boolean purge = !in.flag("keep-files");
                  return Guarded.run(in, id, g -> g.delete(id, purge));
                }));
    commands.add(
        JobkitCommand.named("job flush", session)
            .group(GROUP)
            .description("Stop and remove many jobs at once (shows them and asks first)")
            .option(
                Opt.value(
                        "scope",
                        "active|all",
                        "active (default): queued and running; all: every job")
                    .completes(Completions.words("active", "all")))
            .option(Opt.flag("keep-files", "keep the jobs' files on disk"))
            .option(Opt.flag("force", "remove jobs even if their processes do not end"))
            .option(yes)
            .action(
                in -> {
                  FlushScope scope = scope(in.string("scope").orElse("active"));
                  boolean purge = !in.flag("keep-files");
                  boolean force = in.flag("force");
                  // Followed for as long as a person waits: Ctrl-C leaves it running on the
                  // service, and a big flush takes minutes.
                  return Guarded.run(
                      in, null, g -> g.withVerifyTimeout(FLUSH_FOLLOW).flush(scope, purge, force));
                }));
    commands.add(
        JobkitCommand.named("job logs", session)
            .group(GROUP)
            .description("Print a job's log (the last 20,000 characters), or follow it")
            .option(Opt.value("tail", "CHARS", "only the last CHARS characters (max 20000)"))
            .option(
                Opt.flag("follow", "keep printing new output until the job ends").shortName('f'))
            .option(Opt.value("pod", "N", "the log of pod N (default 0)"))
            .arguments("ID", Completions.jobIds())
            .action(JobCommands::logs));
    commands.add(
        JobkitCommand.named("job watch", session)
            .group(GROUP)
            .description("Watch jobs change live (one job until it ends, or all)")
            .option(Opt.value("for", "DURATION", "stop watching after DURATION"))
            .option(Opt.flag("json", "print each event as a JSON line"))
            .arguments("[ID]", Completions.jobIds())
            .action(JobCommands::watch));
    commands.add(
        JobkitCommand.named("job events", session)
            .group(GROUP)
            .description("Show a job's history: transitions, renames, visibility changes")
            .option(json)
            .arguments("ID", Completions.jobIds())
            .action(JobCommands::events));
    return commands;
  }

  private static int submit(Invocation in) {
    JobSpec.Builder spec = JobSpec.builder();
    List<String> argv = in.arguments();
    Optional<String> shell = in.string("shell");
    if (shell.isPresent() && !argv.isEmpty()) {
      throw new UsageException("give either --shell SCRIPT or a command, not both");
    }
    if (shell.isEmpty() && argv.isEmpty()) {
      throw new UsageException(
          "job submit needs a command (job submit sleep 30) or --shell 'a script'");
    }
    shell.ifPresentOrElse(spec::shell, () -> spec.command(argv));
    in.string("name").ifPresent(spec::displayName);
    in.string("description").ifPresent(spec::description);
    in.integer("pods", 1, 10_000).ifPresent(spec::podCount);
    in.integer("priority", 1, 9).ifPresent(spec::priority);
    in.integer("attempts", 1, 100).ifPresent(spec::maxAttempts);
    in.string("timeout")
        .map(t -> Times.parseDuration(t, "--timeout"))
        .ifPresent(d -> spec.timeoutSeconds((int) Math.max(1, d.getSeconds())));
    List<String> parents = in.strings("parent");
    if (!parents.isEmpty()) {
      spec.parents(parents.toArray(String[]::new));
    }
    pairs(in.strings("tag"), "--tag").forEach(spec::tag);
    pairs(in.strings("env"), "--env").forEach(spec::env);
    if (in.flag("public")) {
      spec.accessibility(Accessibility.PUBLIC);
    }
    JobkitClient client = in.client();
    boolean json = in.flag("json");
    if (!in.flag("wait")) {
      Job job = client.jobs().submit(spec.build());
      if (json) {
        in.out().println(Json.write(job));
      } else {
        in.out()
            .println(
                "submitted "
                    + in.style().cyan(job.id())
                    + " (\""
                    + job.displayName()
                    + "\"), "
                    + in.style().status(job.status()));
      }
      return Exits.OK;
    }
    // Subscribe before submitting so that not one transition is missed.
    try (EventStream events = client.jobs().watchAll()) {
      Job job = client.jobs().submit(spec.build());
      if (!json) {
        in.out()
            .println(
                "submitted "
                    + in.style().cyan(job.id())
                    + " (\""
                    + job.displayName()
                    + "\"); waiting for it to end (Ctrl-C stops waiting, not the job)");
        in.out().flush();
      }
      Job end = follow(in, client, events, job);
      if (json) {
        in.out().println(Json.write(end));
      } else {
        String took =
            end.finishedAt() != null
                ? " after " + Times.short_(Duration.between(end.createdAt(), end.finishedAt()))
                : "";
        in.out()
            .println(
                in.style().cyan(end.id())
                    + " ended "
                    + in.style().status(end.status())
                    + took
                    + (end.lastError() != null ? ": " + end.lastError() : ""));
      }
      return end.status() == JobStatus.SUCCEEDED ? Exits.OK : Exits.ERROR;
    }
  }

  /** Prints the job's transitions until it ends; the job as it ended. */
  private static Job follow(Invocation in, JobkitClient client, EventStream events, Job job) {
    Job current = job;
    Style style = in.style();
    boolean json = in.flag("json");
    while (!current.status().isTerminal()) {
      Optional<JobEvent> event;
      try {
        event = events.next(Duration.ofSeconds(5));
      } catch (JobkitException interrupted) {
        if (Thread.interrupted()) {
          throw new JobkitException(
              "stopped waiting; job "
                  + job.id()
                  + " goes on ('job watch "
                  + job.id()
                  + "' follows it)",
              interrupted);
        }
        throw interrupted;
      }
      if (event.isEmpty()) {
        current = client.jobs().get(job.id()); // a quiet spell: read it, in case
        continue;
      }
      JobEvent e = event.get();
      if (!e.jobId().equals(job.id())) {
        continue;
      }
      if (!json) {
        String reason = Events.reason(e);
        in.out()
            .println(
                "  "
                    + style.dim(Times.absolute(e.at()).substring(11, 19))
                    + "  "
                    + Events.change(e, style)
                    + (reason.isEmpty() ? "" : style.dim("  " + reason)));
        in.out().flush();
      }
      if (e.isTransition() && e.toStatus().isTerminal()) {
        current = client.jobs().get(job.id());
      }
    }
    return current;
  }

  private static int list(Invocation in) {
    JobQuery.Builder q = JobQuery.builder();
    for (String s : in.strings("status")) {
      q.status(JobStatus.parse(s));
    }
    in.string("owner").ifPresent(q::owner);
    pairs(in.strings("tag"), "--tag").forEach(q::tag);
    in.string("name").ifPresent(q::nameContains);
    in.string("parent").ifPresent(q::parent);
    Instant now = Instant.now();
    ZoneId zone = ZoneId.systemDefault();
    Optional<String> since = in.string("since");
    Optional<String> from = in.string("from");
    if (since.isPresent() && from.isPresent()) {
      throw new UsageException("give --since or --from, not both");
    }
    since.ifPresent(s -> q.createdAfter(now.minus(Times.parseDuration(s, "--since"))));
    from.ifPresent(s -> q.createdAfter(Times.parseTime(s, "--from", now, zone)));
    in.string("to").ifPresent(s -> q.createdBefore(Times.parseTime(s, "--to", now, zone)));
    int limit = in.integer("limit", 1, 1000).orElse(50);
    List<Job> jobs;
    if (in.flag("all")) {
      q.limit(1000);
      jobs = in.client().jobs().listAll(q.build()).toList();
    } else {
      q.limit(limit);
      jobs = in.client().jobs().list(q.build()).items();
    }
    if (in.flag("json")) {
      in.out().println(Json.write(jobs));
      return Exits.OK;
    }
    if (jobs.isEmpty()) {
      in.out().println(in.style().dim("no jobs match"));
      return Exits.OK;
    }
    jobTable(jobs, in.style(), now).print(in.out(), in.style());
    return Exits.OK;
  }

  static Table jobTable(List<Job> jobs, Style style, Instant now) {
    Table t = Table.of("ID", "NAME", "STATUS", "PRI", "PODS", "OWNER", "CREATED", "REASON");
    for (Job j : jobs) {
      t.row(
          style.cyan(j.id()),
          cut(j.displayName(), 28),
          style.status(j.status()),
          String.valueOf(j.priority()),
          String.valueOf(j.podCount()),
          j.owner(),
          Times.relative(j.createdAt(), now),
          style.dim(cut(j.statusReason() == null ? "" : j.statusReason(), 40)));
    }
    return t;
  }

  private static int get(Invocation in) {
    Job job = in.client().jobs().get(in.argument("a job id"));
    if (in.flag("json")) {
      in.out().println(Json.write(job));
      return Exits.OK;
    }
    printJob(job, in.out(), in.style());
    return Exits.OK;
  }

  static void printJob(Job j, PrintWriter out, Style style) {
    Instant now = Instant.now();
    Map<String, String> rows = new LinkedHashMap<>();
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
    rows.put(
        "run",
        j.shell() != null
            ? "sh -c " + quote(j.shell())
            : j.command().stream().map(JobCommands::quote).collect(Collectors.joining(" ")));
    rows.put("pods", String.valueOf(j.podCount()));
    rows.put("attempt", j.attempt() + " of " + j.maxAttempts());
    if (j.timeoutSeconds() != null) {
      rows.put("timeout", Times.short_(Duration.ofSeconds(j.timeoutSeconds())));
    }
    if (j.tags() != null && !j.tags().isEmpty()) {
      rows.put(
          "tags",
          j.tags().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining(", ")));
    }
    if (j.parents() != null && !j.parents().isEmpty()) {
      rows.put("parents", String.join(", ", j.parents()));
    }
    rows.put(
        "created",
        Times.absolute(j.createdAt()) + style.dim(" (" + Times.relative(j.createdAt(), now) + ")"));
    if (j.startedAt() != null) {
      rows.put(
          "started",
          Times.absolute(j.startedAt())
              + style.dim(" (" + Times.relative(j.startedAt(), now) + ")"));
    }
    if (j.finishedAt() != null) {
      rows.put(
          "finished",
          Times.absolute(j.finishedAt())
              + style.dim(" (" + Times.relative(j.finishedAt(), now) + ")"));
    }
    if (j.startedAt() != null) {
      Instant end = j.finishedAt() != null ? j.finishedAt() : now;
      rows.put("ran for", Times.short_(Duration.between(j.startedAt(), end)));
    }
    if (j.progress() != null && j.progress().percent() != null) {
      rows.put(
          "progress",
          String.format(Locale.ROOT, "%.0f%%", j.progress().percent())
              + (j.progress().message() != null ? " " + j.progress().message() : ""));
    }
    if (j.metrics() != null && !j.metrics().isEmpty()) {
      rows.put(
          "metrics",
          j.metrics().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining(", ")));
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
    int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
    rows.forEach((k, v) -> out.println(style.bold(k) + " ".repeat(width - k.length() + 2) + v));
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
      pods.print(out, style);
    }
    out.flush();
  }

  private static int update(Invocation in) {
    String id = in.argument("a job id");
    if (in.flag("public") && in.flag("private")) {
      throw new UsageException("give --public or --private, not both");
    }
    Accessibility access =
        in.flag("public")
            ? Accessibility.PUBLIC
            : in.flag("private") ? Accessibility.PRIVATE : null;
    JobUpdate update =
        new JobUpdate(
            in.string("name").orElse(null),
            in.string("description").orElse(null),
            in.integer("priority", 1, 9).orElse(null),
            access,
            in.integer("pods", 1, 10_000).orElse(null));
    if (update.equals(new JobUpdate(null, null, null, null, null))) {
      throw new UsageException(
          "nothing to change; give --name, --description, --priority, --pods, --public or --private");
    }
    Job job = in.client().jobs().update(id, update);
    if (in.flag("json")) {
      in.out().println(Json.write(job));
    } else {
      printJob(job, in.out(), in.style());
    }
    return Exits.OK;
  }

  private static int logs(Invocation in) throws InterruptedException {
    String id = in.argument("a job id");
    int pod = in.integer("pod", 0, 10_000).orElse(0);
    int chars = in.integer("tail", 0, Logs.MAX_TAIL_CHARS).orElse(Logs.MAX_TAIL_CHARS);
    JobkitClient client = in.client();
    PrintWriter out = in.out();
    LogTail tail = client.jobs().logs(id).pod(pod).tail(chars);
    out.print(tail.content());
    out.flush();
    if (!in.flag("follow")) {
      if (!tail.content().isEmpty() && !tail.content().endsWith("\n")) {
        out.println();
      }
      return Exits.OK;
    }
    try (Logs.Follow follow =
        client
            .jobs()
            .logs(id)
            .pod(pod)
            .follow(
                tail.sizeBytes(),
                text -> {
                  out.print(text);
                  out.flush();
                })) {
      Optional<JobStatus> end = follow.awaitEnd(Duration.ofDays(3650));
      out.println(in.style().dim("-- job " + end.map(Enum::name).orElse("deleted") + " --"));
    } catch (JobkitException e) {
      if (Thread.interrupted()) {
        out.println(in.style().dim("-- stopped following; the job goes on --"));
        return Exits.OK;
      }
      throw e;
    }
    return Exits.OK;
  }

  private static int watch(Invocation in) {
    List<String> args = in.arguments();
    if (args.size() > 1) {
      throw new UsageException("job watch takes at most one job id, not " + args.size());
    }
    String only = args.isEmpty() ? null : args.get(0);
    Instant until =
        in.string("for").map(s -> Instant.now().plus(Times.parseDuration(s, "--for"))).orElse(null);
    JobkitClient client = in.client();
    boolean json = in.flag("json");
    boolean live = in.session().terminalOutput() && !json;
    Style style = in.style();
    PrintWriter out = in.out();
    Map<String, Job> seen = new LinkedHashMap<>();
    int drawn = 0;
    try (EventStream events = only == null ? client.jobs().watchAll() : client.jobs().watch(only)) {
      if (only != null) {
        Job job = client.jobs().get(only);
        seen.put(job.id(), job);
        if (job.status().isTerminal()) {
          drawn = draw(seen, live, style, out, drawn, json, null);
          out.println(style.dim("job " + only + " has already ended " + job.status()));
          return Exits.OK;
        }
      }
      if (!json) {
        out.println(
            style.dim(
                "watching "
                    + (only == null ? "all jobs" : only)
                    + (until == null ? "; Ctrl-C stops" : " until " + Times.absolute(until))));
      }
      drawn = draw(seen, live, style, out, 0, json, null);
      while (until == null || Instant.now().isBefore(until)) {
        Duration wait =
            until == null
                ? Duration.ofSeconds(1)
                : Duration.ofMillis(
                    Math.max(1, Math.min(1000, Duration.between(Instant.now(), until).toMillis())));
        Optional<JobEvent> event;
        try {
          event = events.next(wait);
        } catch (JobkitException interrupted) {
          if (Thread.interrupted()) {
            return Exits.OK;
          }
          throw interrupted;
        }
        if (event.isEmpty()) {
          continue;
        }
        JobEvent e = event.get();
        Job job;
        try {
          job = client.jobs().get(e.jobId());
        } catch (dev.jobkit.sdk.NotFoundException deleted) {
          seen.remove(e.jobId());
          continue;
        }
        seen.remove(job.id());
        seen.put(job.id(), job); // most recently changed last
        drawn = draw(seen, live, style, out, drawn, json, e);
        if (only != null && job.status().isTerminal()) {
          return Exits.OK;
        }
      }
      return Exits.OK;
    }
  }

  private static int draw(
      Map<String, Job> seen,
      boolean live,
      Style style,
      PrintWriter out,
      int drawn,
      boolean json,
      JobEvent event) {
    if (json) {
      if (event != null) {
        out.println(Json.line(event));
        out.flush();
      }
      return 0;
    }
    if (!live) {
      if (event != null) {
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
      return 0;
    }
    List<Job> rows = new ArrayList<>(seen.values());
    java.util.Collections.reverse(rows);
    List<String> lines =
        rows.isEmpty()
            ? List.of(style.dim("(no changes yet)"))
            : jobTable(rows.subList(0, Math.min(rows.size(), 20)), style, Instant.now())
                .lines(style);
    // Redraw in place: up over the last table, clear to the end of the screen.
    if (drawn > 0) {
      out.print("\u001B[" + drawn + "F\u001B[J");
    }
    lines.forEach(out::println);
    out.flush();
    return lines.size();
  }

  private static int events(Invocation in) {
    List<JobEvent> events = in.client().jobs().events(in.argument("a job id"));
    if (in.flag("json")) {
      in.out().println(Json.write(events));
      return Exits.OK;
    }
    Style style = in.style();
    Table t = Table.of("TIME", "CHANGE", "ACTOR", "REASON");
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
    t.print(in.out(), style);
    return Exits.OK;
  }

  private static FlushScope scope(String s) {
    try {
      return FlushScope.valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--scope must be active or all, not '" + s + "'");
    }
  }

  private static Map<String, String> pairs(List<String> values, String option) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw new UsageException(option + " must be KEY=VALUE, not '" + v + "'");
      }
      map.put(v.substring(0, eq), v.substring(eq + 1));
    }
    return map;
  }

  private static String cut(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  private static String quote(String s) {
    return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
