package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.users.User;
import dev.jobkit.shell.local.Browser;
import dev.jobkit.shell.local.Connection;
import dev.jobkit.shell.local.LocalService;
import dev.jobkit.shell.render.Style;
import dev.jobkit.shell.render.Times;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code status} and the {@code service} commands: where the shell is connected and as whom, and
 * the local background service of the data dir (start, stop, status).
 */
public final class ServiceCommands {

  private static final String GROUP = "Service";

  /** {@code status} counts the active jobs up to this many, one page. */
  private static final int ACTIVE_COUNT_LIMIT = 1000;

  private ServiceCommands() {}

  /** Every service command of {@code session}. */
  public static List<JobkitCommand> all(Session session) {
    List<JobkitCommand> commands = new ArrayList<>();
    commands.add(
        JobkitCommand.named("status", session)
            .group(GROUP)
            .description("Where the shell is connected, and as whom")
            .action(ServiceCommands::status));
    commands.add(
        JobkitCommand.named("open", session)
            .group(GROUP)
            .description("Open the web console in a browser; with a job's ID, the job's page")
            .arguments("[ID]", Completions.jobIds())
            .examples(
                """
                  open
                  open job_01j9...\
                """)
            .action(ServiceCommands::open));
    commands.add(
        JobkitCommand.named("service status", session)
            .group(GROUP)
            .description("Whether the local service of the data dir runs, and the connection")
            .action(ServiceCommands::serviceStatus));
    commands.add(
        JobkitCommand.named("service start", session)
            .group(GROUP)
            .description("Start the local service in the background (jobs outlive the shell)")
            .action(
                in -> {
                  LocalService local = in.session().localService();
                  Optional<LocalService.Running> before = local.running();
                  LocalService.Running running = local.ensureRunning(notice(in));
                  in.out()
                      .println(
                          (before.isPresent() ? "already running: " : "started: ")
                              + describe(running, local, in.style()));
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("service stop", session)
            .group(GROUP)
            .description("Stop the local service; asks first if jobs are running (they end)")
            .option(Opt.flag("yes", "do not ask; answer yes (for scripts)").shortName('y'))
            .action(ServiceCommands::stop));
    return commands;
  }

  private static int stop(Invocation in) {
    LocalService local = in.session().localService();
    Optional<LocalService.Running> running = local.recorded();
    if (running.isEmpty()) {
      in.out().println("the local service of " + local.dataDir() + " is not running");
      return Exits.OK;
    }
    if (running.get().healthy()) {
      // Stopping the service ends its running jobs: a risky action like a job stop, so it says
      // which jobs and asks (or needs --yes), unless none would be hit.
      List<String> active = activeJobs(in);
      if (!active.isEmpty()) {
        String prompt =
            "The local service runs "
                + active.size()
                + " active job(s) ("
                + String.join(", ", active.subList(0, Math.min(10, active.size())))
                + (active.size() > 10 ? ", ..." : "")
                + "); stopping it ends them. Stop the service? [yes/no]";
        if (in.flag("yes")) {
          in.out().println(in.style().yellow(prompt) + " yes (--yes)");
        } else if (in.session().asker().isEmpty()) {
          throw new RefusedException(
              "the local service runs "
                  + active.size()
                  + " active job(s) and there is no terminal to ask: nothing was stopped. Add"
                  + " --yes to stop it anyway.");
        } else {
          String answer = in.session().asker().get().ask(in.style().yellow(prompt) + " ");
          if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
            in.out().println("DECLINED: the local service and its jobs keep running");
            return Exits.USAGE;
          }
        }
      }
    }
    in.session().disconnect();
    local.stop(Duration.ofSeconds(60));
    in.out()
        .println(
            "stopped the local service (pid " + running.get().pid() + ") of " + local.dataDir());
    return Exits.OK;
  }

  private static List<String> activeJobs(Invocation in) {
    if (in.session().remote()) {
      // The shell's key belongs to another service; ask the local one with its own admin key.
      try (var client =
          dev.jobkit.sdk.JobkitClient.builder()
              .baseUrl(in.session().localService().recorded().orElseThrow().url())
              .apiKey(in.session().localService().adminKey())
              .build()) {
        return active(client);
      }
    }
    return active(in.client());
  }

  private static List<String> active(dev.jobkit.sdk.JobkitClient client) {
    return client
        .jobs()
        .list(
            JobQuery.builder()
                .status(
                    java.util.Arrays.stream(JobStatus.values())
                        .filter(JobStatus::isActive)
                        .toArray(JobStatus[]::new))
                .limit(1000)
                .build())
        .items()
        .stream()
        .map(dev.jobkit.sdk.jobs.Job::id)
        .toList();
  }

  private static int status(Invocation in) {
    in.session().showConnectionOnce(); // this answer shows it: the background notice need not
    PrintWriter out = in.out();
    Style style = in.style();
    Session.Connected connected = in.session().connected();
    Connection c = connected.connection();
    User me = connected.client().users().me();
    out.println(
        "connected to "
            + style.bold(c.baseUrl())
            + " as "
            + style.bold(me.name())
            + " ("
            + me.role().name().toLowerCase(Locale.ROOT)
            + ")");
    out.println(style.dim("via " + c.source()));
    out.println("web console: " + style.bold(consoleUrl(c)) + style.dim(" ('open' opens it)"));
    long active =
        connected
            .client()
            .jobs()
            .list(
                JobQuery.builder()
                    .status(
                        java.util.Arrays.stream(JobStatus.values())
                            .filter(JobStatus::isActive)
                            .toArray(JobStatus[]::new))
                    .limit(ACTIVE_COUNT_LIMIT)
                    .build())
            .items()
            .size();
    out.println(
        (active < ACTIVE_COUNT_LIMIT ? active + "" : "at least " + ACTIVE_COUNT_LIMIT)
            + " active job(s) visible to "
            + me.name());
    return Exits.OK;
  }

  /** The web console's address at the service {@code c}: its root. */
  private static String consoleUrl(Connection c) {
    return c.baseUrl().replaceAll("/+$", "") + "/";
  }

  /**
   * {@code open [ID]}: the console's address (a job's page with an ID, checked first), printed and
   * opened in the browser where there is one. The API key never goes into the address: the console
   * asks for it, and keeps it in the browser tab.
   */
  private static int open(Invocation in) {
    String url = consoleUrl(in.session().connected().connection());
    if (in.arguments().size() > 1) {
      throw new UsageException(
          "open takes at most one job ID (open job_…), not " + in.arguments().size());
    }
    if (!in.arguments().isEmpty()) {
      url += "#/jobs/" + in.client().jobs().get(in.arguments().get(0)).id();
    }
    PrintWriter out = in.out();
    out.println(url);
    Optional<String> browser = new Browser(System.getenv()).open(url);
    out.println(
        in.style()
            .dim(
                browser
                    .map(b -> "opened in the browser (" + b + "); sign in there with your API key")
                    .orElse(
                        "no browser to open here ($BROWSER, or xdg-open on the PATH): open the"
                            + " address above in one and sign in with your API key")));
    return Exits.OK;
  }

  private static int serviceStatus(Invocation in) {
    PrintWriter out = in.out();
    LocalService local = in.session().localService();
    Optional<LocalService.Running> recorded = local.recorded();
    if (recorded.isEmpty()) {
      out.println("the local service of " + local.dataDir() + " is not running");
    } else if (!recorded.get().healthy()) {
      out.println(
          "the local service of "
              + local.dataDir()
              + " (pid "
              + recorded.get().pid()
              + ") is starting or not answering; see "
              + local.logFile());
    } else {
      out.println("running: " + describe(recorded.get(), local, in.style()));
    }
    boolean answering = recorded.isPresent() && recorded.get().healthy();
    if (in.session().remote()) {
      // the exit code is about the local service, as the command's name says, wherever the
      // shell itself is pointed
      out.println(in.style().dim("(the shell is pointed elsewhere; 'status' says where)"));
    } else if (answering) {
      User me = in.session().me();
      out.println(
          "the shell is connected to it as "
              + in.style().bold(me.name())
              + " ("
              + me.role().name().toLowerCase(Locale.ROOT)
              + ")");
    }
    return answering ? Exits.OK : Exits.UNREACHABLE;
  }

  private static String describe(LocalService.Running r, LocalService local, Style style) {
    return style.bold(r.url())
        + ", pid "
        + r.pid()
        + ", up "
        + Times.short_(Duration.between(r.startedAt(), Instant.now()))
        + style.dim(" (data dir " + local.dataDir() + ", log " + local.logFile() + ")");
  }

  private static java.util.function.Consumer<String> notice(Invocation in) {
    return message -> {
      in.out().println(in.style().dim(message));
      in.out().flush();
    };
  }
}
