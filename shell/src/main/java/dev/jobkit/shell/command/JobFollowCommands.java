package dev.jobkit.shell.command;

import dev.jobkit.sdk.EventStream;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.Logs;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.render.Times;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/** {@code job logs} and {@code job watch}: the commands that follow jobs as they run. */
final class JobFollowCommands {

  /** How long {@code job watch} waits for an event before it looks at its deadline again. */
  private static final Duration QUIET = Duration.ofSeconds(1);

  /** How long a follow waits for its job to end: as long as it takes (Ctrl-C stops it). */
  private static final Duration FOREVER = Duration.ofDays(3650);

  private JobFollowCommands() {}

  static List<JobkitCommand> all(Session session) {
    return List.of(
        JobkitCommand.named("job logs", session)
            .group(JobCommands.GROUP)
            .description("Print a job's log (the last 20,000 characters), or follow it")
            .option(Opt.value("tail", "LINES", "only the last LINES lines (0: none)"))
            .option(
                Opt.value(
                    "tail-chars", "CHARS", "only the last CHARS characters (0 to 20000; 0: none)"))
            .option(
                Opt.flag("follow", "keep printing new output until the job ends").shortName('f'))
            .option(Opt.value("pod", "N", "the log of pod N (default 0)"))
            .option(
                Opt.flag(
                    "all-pods", "the log of every pod, one after the other (or as lines come)"))
            .option(Opt.flag("prefix", "start each line with the pod it came from: [pod N]"))
            .option(
                Opt.value(
                    "attempt",
                    "N",
                    "only what attempt N wrote (1: the first run; see the job's attempts)"))
            .option(
                Opt.flag(
                        "previous",
                        "only what the attempt before the current (or last) one wrote, as"
                            + " kubectl's --previous")
                    .shortName('p'))
            .arguments("ID", Completions.jobIds())
            .examples(
                """
                  job logs job_01j9... --follow
                  job logs job_01j9... --all-pods --prefix --tail 2000
                  job logs job_01j9... --previous --tail 20\
                """)
            .action(JobFollowCommands::logs),
        JobkitCommand.named("job watch", session)
            .group(JobCommands.GROUP)
            .description("Watch jobs change live (one job until it ends, or all)")
            .option(Opt.value("for", "DURATION", "stop watching after DURATION"))
            .option(Opt.flag("json", "print each event as a JSON line"))
            .arguments("[ID]", Completions.jobIds())
            .action(JobFollowCommands::watch));
  }

  private static int logs(Invocation in) {
    String id = in.argument("a job id");
    boolean allPods = in.flag("all-pods");
    if (allPods && in.string("pod").isPresent()) {
      throw new UsageException("give --pod N or --all-pods, not both");
    }
    Tail tail = Tail.of(in);
    JobkitClient client = in.client();
    Optional<Integer> attempt = attempt(in);
    Job job = allPods || in.flag("previous") ? client.jobs().get(id) : null;
    if (in.flag("previous")) {
      attempt = Optional.of(previousAttempt(job));
    }
    Optional<Integer> only = attempt;
    IntFunction<Logs> log =
        pod -> {
          Logs logs = client.jobs().logs(id).pod(pod);
          return only.isPresent() ? logs.attempt(only.get()) : logs;
        };
    List<Integer> pods =
        allPods
            ? IntStream.range(0, job.podCount()).boxed().toList()
            : List.of(in.integer("pod", 0, 10_000).orElse(0));
    if (pods.size() == 1 && !in.flag("prefix")) {
      return logOfOnePod(in, log.apply(pods.get(0)), tail, attempt);
    }
    PrintWriter out = in.out();
    List<PodLines> lines = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    for (int pod : pods) {
      PodLines podLines = new PodLines(out, in.flag("prefix") ? "[pod " + pod + "] " : "");
      LogTail read = log.apply(pod).tail(tail.chars());
      podLines.print(tail.cut(read.content()));
      if (!in.flag("follow")) {
        podLines.finish(); // the pods one after the other, each to its last line
      }
      lines.add(podLines);
      offsets.add(read.sizeBytes());
    }
    if (!in.flag("follow")) {
      return Exits.OK;
    }
    // One stream per pod; each pod's lines are printed whole, so that lines of two pods never
    // mix. The service counts each stream against its per-user limit, and says so past it.
    List<Logs.Follow> follows = new ArrayList<>();
    try {
      for (int i = 0; i < pods.size(); i++) {
        follows.add(log.apply(pods.get(i)).follow(offsets.get(i), lines.get(i)::print));
      }
      Optional<JobStatus> end = Optional.empty();
      for (Logs.Follow follow : follows) {
        end = follow.awaitEnd(FOREVER);
      }
      lines.forEach(PodLines::finish);
      return ended(in, end, attempt);
    } catch (JobkitException e) {
      return stoppedFollowing(in, e);
    } finally {
      follows.forEach(Logs.Follow::close);
    }
  }

  /**
   * The attempt {@code --attempt N} asks for, after the checks of the options that choose an
   * attempt; empty for the whole log, and for {@code --previous}, which needs the job.
   */
  private static Optional<Integer> attempt(Invocation in) {
    boolean previous = in.flag("previous");
    if (previous && in.string("attempt").isPresent()) {
      throw new UsageException("give --attempt N or --previous, not both");
    }
    if (previous && in.flag("follow")) {
      throw new UsageException(
          "--previous is an attempt that has ended, so there is nothing to follow: leave out"
              + " --follow, or follow the current attempt with --attempt N --follow");
    }
    // Below 1 is wrong whatever the job; above its attempts, the service says how many it had.
    Optional<Integer> given = in.integer("attempt", Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (given.isPresent() && given.get() < 1) {
      throw new UsageException(
          "--attempt must be 1 or more (1 is the job's first run), not " + given.get());
    }
    return given;
  }

  /** {@code --previous}: the attempt before the job's current (or last) one. */
  private static int previousAttempt(Job job) {
    if (job.attempt() < 2) {
      throw new UsageException(
          "job "
              + job.id()
              + (job.attempt() == 0
                  ? " has not started yet, so it has no previous attempt"
                  : " has had one attempt, so there is no previous one: its whole log is that"
                      + " attempt's (job logs "
                      + job.id()
                      + ")"));
    }
    return job.attempt() - 1;
  }

  /** {@code job logs} of one pod, without prefixes: its bytes as they are. */
  private static int logOfOnePod(Invocation in, Logs log, Tail tail, Optional<Integer> attempt) {
    PrintWriter out = in.out();
    LogTail read = log.tail(tail.chars());
    String shown = tail.cut(read.content());
    out.print(shown);
    out.flush();
    if (!in.flag("follow")) {
      if (!shown.isEmpty() && !shown.endsWith("\n")) {
        out.println();
      }
      return Exits.OK;
    }
    try (Logs.Follow follow =
        log.follow(
            read.sizeBytes(),
            text -> {
              out.print(text);
              out.flush();
            })) {
      return ended(in, follow.awaitEnd(FOREVER), attempt);
    } catch (JobkitException e) {
      return stoppedFollowing(in, e);
    }
  }

  /**
   * What of a log's end {@code job logs} shows: {@code --tail N} its last N lines (as kubectl's),
   * {@code --tail-chars N} its last N characters, else the last 20,000 characters. Either at 0
   * shows nothing of what is there (a follow then starts at the end); the service's smallest tail,
   * one character, still says where the end is.
   *
   * @param chars how many characters to read from the service's end of the log
   * @param lines how many whole lines of them to show, or -1 for all
   */
  record Tail(int chars, int lines) {

    static Tail of(Invocation in) {
      Optional<Integer> lines = in.integer("tail", 0, Integer.MAX_VALUE);
      Optional<Integer> chars = in.integer("tail-chars", 0, Logs.MAX_TAIL_CHARS);
      if (lines.isPresent() && chars.isPresent()) {
        throw new UsageException("give --tail LINES or --tail-chars CHARS, not both");
      }
      if (chars.isPresent()) {
        return chars.get() == 0 ? new Tail(1, 0) : new Tail(chars.get(), -1);
      }
      return new Tail(Logs.MAX_TAIL_CHARS, lines.orElse(-1));
    }

    /** The part of {@code content} (the end of the log) to show. */
    String cut(String content) {
      if (lines < 0) {
        return content;
      }
      if (lines == 0) {
        return "";
      }
      int from = content.endsWith("\n") ? content.length() - 1 : content.length();
      for (int i = 0; i < lines; i++) {
        from = content.lastIndexOf('\n', from - 1);
        if (from < 0) {
          return content; // fewer lines than asked for, within what was read
        }
      }
      return content.substring(from + 1);
    }
  }

  private static int ended(Invocation in, Optional<JobStatus> end, Optional<Integer> attempt) {
    String what = attempt.map(n -> "attempt " + n).orElse("job");
    in.render().note("-- " + what + " " + end.map(Enum::name).orElse("deleted") + " --");
    return end.map(Exits::ofEnd).orElse(Exits.ERROR);
  }

  private static int stoppedFollowing(Invocation in, JobkitException e) {
    if (Thread.interrupted()) {
      in.render().note("-- stopped following; the job goes on --");
      return Exits.INTERRUPTED;
    }
    throw e;
  }

  /**
   * One pod's output cut into whole lines, each printed with the pod's prefix; what follows the
   * last line break waits for the rest of its line, or for {@link #finish}. A chunk's lines go out
   * in one write, which the writer does not split.
   */
  private static final class PodLines {
    private final PrintWriter out;
    private final String prefix;
    private final StringBuilder partial = new StringBuilder();

    PodLines(PrintWriter out, String prefix) {
      this.out = out;
      this.prefix = prefix;
    }

    synchronized void print(String text) {
      partial.append(text);
      int end = partial.lastIndexOf("\n");
      if (end < 0) {
        return;
      }
      StringBuilder whole = new StringBuilder();
      for (String line : partial.substring(0, end).split("\n", -1)) {
        whole.append(prefix).append(line).append('\n');
      }
      partial.delete(0, end + 1);
      out.print(whole);
      out.flush();
    }

    /** Prints the last line even without its line break: the log ends there. */
    synchronized void finish() {
      if (partial.length() > 0) {
        out.print(prefix + partial + "\n");
        partial.setLength(0);
      }
      out.flush();
    }
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
    Watch watch =
        new Watch(
            in.render(),
            only,
            json,
            new LiveJobs(
                client, in.render(), in.session().terminalOutput() && !json, "(no changes yet)"));
    try (EventStream events = only == null ? client.jobs().watchAll() : client.jobs().watch(only)) {
      if (only != null) {
        Job job = events.initialState().orElseThrow();
        watch.live.changed(job);
        if (job.status().isTerminal()) {
          watch.draw(null);
          in.render().note("job " + only + " has already ended " + job.status());
          return Exits.ofEnd(job.status());
        }
      }
      if (!json) {
        in.render()
            .note(
                "watching "
                    + (only == null ? "all jobs" : only)
                    + (until == null ? "; Ctrl-C stops" : " until " + Times.absolute(until)));
      }
      watch.draw(null);
      // Ctrl-C ends the watch as its deadline would: with nothing more to say.
      if (EventLoop.run(events, until, QUIET, watch).isPresent()) {
        return Exits.INTERRUPTED;
      }
      return watch.ended == null ? Exits.OK : Exits.ofEnd(watch.ended);
    }
  }

  /** The jobs a {@code job watch} has seen change, and how it shows them. */
  private static final class Watch implements EventLoop.Hook {
    private final Renderer render;
    private final String only;
    private final boolean json;

    /** The jobs seen to change, the live table on a terminal. */
    private final LiveJobs live;

    /** How the one watched job ended, once it has. */
    private JobStatus ended;

    Watch(Renderer render, String only, boolean json, LiveJobs live) {
      this.render = render;
      this.only = only;
      this.json = json;
      this.live = live;
    }

    @Override
    public boolean onEvent(JobEvent e) {
      Optional<Job> job = LiveJobs.read(() -> live.client().jobs().get(e.jobId()));
      if (Thread.currentThread().isInterrupted()) {
        return true; // Ctrl-C: the loop's next read ends the watch
      }
      if (job.isEmpty()) {
        live.remove(e.jobId()); // deleted (or not readable for now: its next change brings it back)
        return true;
      }
      live.changed(job.get()); // most recently changed first
      draw(e);
      // Ends at the event that ends the job, not at the first event read after the job ended:
      // RUNNING -> RUN_ERROR is read when the job is FAILED already, and RUN_ERROR -> FAILED is
      // still to be shown.
      if (only != null && e.isTransition() && e.toStatus().isTerminal()) {
        ended = e.toStatus();
        return false;
      }
      return true;
    }

    @Override
    public boolean onQuiet() {
      live.refreshIfDue();
      return true;
    }

    /** Shows {@code event} (null for none: the table as it is). */
    void draw(JobEvent event) {
      if (json) {
        if (event != null) {
          render.eventLine(event);
        }
      } else if (!live.terminal()) {
        if (event != null) {
          render.plainEventLine(event);
        }
      } else {
        live.draw();
      }
    }
  }
}
