package dev.jobkit.shell.command;

import dev.jobkit.sdk.EventStream;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.Logs;
import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.shell.render.Times;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** {@code job submit} and {@code job update}: the commands that say what a job is. */
final class JobSubmitCommands {

  /** How long {@code job submit --wait} waits without an event before it reads the job again. */
  private static final Duration QUIET = Duration.ofSeconds(5);

  /** How long {@code job submit --logs} waits for the rest of the log once the job has ended. */
  private static final Duration LOG_DRAIN = Duration.ofMinutes(1);

  private JobSubmitCommands() {}

  static List<JobkitCommand> all(Session session) {
    return List.of(
        JobkitCommand.named("job submit", session)
            .group(JobCommands.GROUP)
            .description("Submit a job: a command (argv), a --shell string, an --app, or a --file")
            .option(CommandOrShell.SHELL_OPTION)
            .option(
                Opt.value("app", "NAME", "run this app (its latest version) with --param values")
                    .completes(Completions.appNames()))
            .option(Opt.value("app-version", "N", "with --app: this version of it"))
            .option(
                Opt.value(
                        "param",
                        "NAME=VALUE",
                        "with --app: a parameter; VALUE is JSON if it parses (2, 1e-4, true,"
                            + " [1,2]), else text; NAME=@FILE reads the text of FILE")
                    .many()
                    .completesAfter(Completions.appParameters()))
            .option(
                Opt.value(
                        "file",
                        "FILE",
                        "submit the jobs of a batch file {\"jobs\": [...]} (parents by ref); -:"
                            + " stdin")
                    .shortName('f'))
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
            .option(
                Opt.value("timeout", "DURATION", "limit per attempt: 90s, 10m, 1h30m (1s to 30d)"))
            .option(Opt.value("attempts", "N", "launch at most N times (default 1)"))
            .option(Opt.flag("public", "let every user read it"))
            .option(
                Opt.flag("wait", "follow the job to its end; exit with the job's exit code")
                    .shortName('w'))
            .option(
                Opt.flag(
                    "logs",
                    "--wait, printing pod 0's output as it comes; the transitions go to stderr"))
            .option(JobCommands.JSON)
            .arguments(CommandOrShell.COMMAND_ARGUMENTS, null)
            .trailingArguments()
            .examples(
                """
                  job submit sleep 30
                  job submit --shell 'for i in 1 2 3; do echo $i; sleep 1; done' --name count --wait
                  job submit --logs -- python train.py > train.log   # the job's output alone
                  job submit --priority 9 --tag team=vision --timeout 2h -- python train.py --epochs 10
                  job submit --app greet --param who=Ada --param times=3 --wait
                  job submit --file pipeline.json\
                """)
            .action(JobSubmitCommands::submit),
        JobkitCommand.named("job update", session)
            .group(JobCommands.GROUP)
            .description("Change a job's name, description, priority, pods or visibility")
            .option(Opt.value("name", "NAME", "new display name").shortName('n'))
            .option(Opt.value("description", "TEXT", "new description"))
            .option(Opt.value("priority", "1-9", "new priority").shortName('p'))
            .option(Opt.value("pods", "N", "pods from the next launch on"))
            .option(Opt.flag("public", "let every user read it"))
            .option(Opt.flag("private", "only its owner (and admins) may read it"))
            .option(JobCommands.JSON)
            .arguments("ID", Completions.jobIds())
            .action(JobSubmitCommands::update));
  }

  /** The longest timeout the service takes: 30 days. */
  private static final Duration LONGEST_TIMEOUT = Duration.ofDays(30);

  /**
   * A job's timeout in the whole seconds the service counts in: from 1s to 30d, refused rather than
   * rounded outside them.
   */
  static int timeoutSeconds(String text) {
    Duration timeout = Times.parseDuration(text, "--timeout");
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "--timeout must be at least 1s (a job's timeout counts whole seconds), not '"
              + text
              + "'");
    }
    if (timeout.getNano() != 0) {
      throw new IllegalArgumentException(
          "--timeout counts whole seconds: " + timeout.getSeconds() + "s, not '" + text + "'");
    }
    if (timeout.compareTo(LONGEST_TIMEOUT) > 0) {
      throw new IllegalArgumentException("--timeout must be at most 30d, not '" + text + "'");
    }
    return (int) timeout.getSeconds();
  }

  private static int submit(Invocation in) {
    if (in.string("file").isPresent()) {
      return SubmitFiles.submit(in);
    }
    JobSpec.Builder spec = JobSpec.builder();
    boolean app = in.string("app").isPresent();
    if (app) {
      AppParameters.apply(in, spec);
    } else {
      AppParameters.refuseWithoutApp(in);
      CommandOrShell.apply(in, spec);
    }
    in.string("name").ifPresent(spec::displayName);
    in.string("description").ifPresent(spec::description);
    in.integer("pods", 1, 10_000).ifPresent(spec::podCount);
    in.integer("priority", 1, 9).ifPresent(spec::priority);
    in.integer("attempts", 1, 100).ifPresent(spec::maxAttempts);
    in.string("timeout").map(JobSubmitCommands::timeoutSeconds).ifPresent(spec::timeoutSeconds);
    List<String> parents = in.strings("parent");
    if (!parents.isEmpty()) {
      spec.parents(parents.toArray(String[]::new));
    }
    JobCommands.pairs(in.strings("tag"), "--tag").forEach(spec::tag);
    JobCommands.pairs(in.strings("env"), "--env").forEach(spec::env);
    if (in.flag("public")) {
      spec.accessibility(Accessibility.PUBLIC);
    }
    boolean logs = in.flag("logs");
    boolean json = in.flag("json");
    if (logs && json) {
      throw new UsageException(
          "--logs prints the job's output, --json the job: give one of them (--wait --json waits"
              + " and prints the job)");
    }
    JobkitClient client = in.client();
    // With --logs, stdout is the job's output alone, as if it had run here: the rest goes aside.
    Renderer render = logs ? in.renderErr() : in.render();
    JobSpec built = spec.build();
    if (!in.flag("wait") && !logs) {
      Job job = AppParameters.submit(client, built);
      if (json) {
        render.json(job);
      } else {
        render.submitted(job);
      }
      return Exits.OK;
    }
    // Subscribe before submitting so that not one transition is missed.
    try (EventStream events = client.jobs().watchAll()) {
      Job job = AppParameters.submit(client, built);
      if (!json) {
        render.followingSubmitted(job);
      }
      Job end;
      if (logs) {
        try (LogPrinter log = new LogPrinter(in.out(), in.session().terminalOutput());
            Logs.Follow follow = client.jobs().logs(job.id()).follow(log::print)) {
          end = follow(client, events, job, render);
          if (end != null) {
            // The job has ended; its log ends soon after, once the service has drained it.
            follow.awaitEnd(LOG_DRAIN);
          }
        }
      } else {
        end = follow(client, events, job, json ? null : render);
      }
      if (end == null) {
        // Ctrl-C stops the waiting, not the job: nothing failed, so no error.
        render.note(
            "stopped waiting; job "
                + job.id()
                + " goes on ('job watch "
                + job.id()
                + "' follows it)");
        return Exits.INTERRUPTED;
      }
      if (json) {
        render.json(end);
      } else {
        render.ended(end);
      }
      return Exits.ofJob(end);
    }
  }

  /**
   * Prints the job's events (through {@code render}, unless null) until it ends; the job as it
   * ended, or null when Ctrl-C stopped the waiting.
   */
  private static Job follow(JobkitClient client, EventStream events, Job job, Renderer render) {
    AtomicReference<Job> current = new AtomicReference<>(job);
    if (job.status().isTerminal()) {
      return job;
    }
    EventLoop.Hook hook =
        new EventLoop.Hook() {
          @Override
          public boolean onEvent(JobEvent e) {
            if (!e.jobId().equals(job.id())) {
              return true;
            }
            if (render != null) {
              render.followed(e);
            }
            if (e.isTransition() && e.toStatus().isTerminal()) {
              current.set(client.jobs().get(job.id()));
            }
            return !current.get().status().isTerminal();
          }

          @Override
          public boolean onQuiet() {
            current.set(client.jobs().get(job.id())); // a quiet spell: read it, in case
            return !current.get().status().isTerminal();
          }
        };
    if (EventLoop.run(events, null, QUIET, hook).isPresent()) {
      return null;
    }
    return current.get();
  }

  /**
   * Prints a followed log as it comes. In a terminal, a log that does not end with a line break
   * gets one at the end, so the lines printed after it start at the left; a pipe gets the job's
   * bytes unchanged.
   */
  private static final class LogPrinter implements AutoCloseable {
    private final PrintWriter out;
    private final boolean terminal;
    private volatile boolean midLine;

    LogPrinter(PrintWriter out, boolean terminal) {
      this.out = out;
      this.terminal = terminal;
    }

    void print(String text) {
      out.print(text);
      out.flush();
      if (!text.isEmpty()) {
        midLine = !text.endsWith("\n");
      }
    }

    @Override
    public void close() {
      if (terminal && midLine) {
        out.println();
      }
      out.flush();
    }
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
      in.render().json(job);
    } else {
      in.render().job(job);
    }
    return Exits.OK;
  }
}
