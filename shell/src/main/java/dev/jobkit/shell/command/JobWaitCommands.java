package dev.jobkit.shell.command;

import dev.jobkit.sdk.EventStream;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.render.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code job wait}: blocks until a job ends or reaches a state, for scripts, as {@code kubectl
 * wait} does, and passes the job's own exit code through, as {@code srun} does. It prints one line
 * at the end and nothing on the way.
 *
 * <p>It follows the job's live events ({@code watch} and {@code ended()}) rather than the SDK's
 * {@code await}: a job that passes through the state waited for between two reads of it (RUNNING
 * for a moment) has reached it, and only the events show that.
 */
final class JobWaitCommands {

  /** How long without an event before the job is read again, in case. */
  private static final Duration QUIET = Duration.ofSeconds(5);

  /** The {@code --for} value that waits for any end. */
  private static final String ENDED = "ended";

  private JobWaitCommands() {}

  static List<JobkitCommand> all(Session session) {
    return List.of(
        JobkitCommand.named("job wait", session)
            .group(JobCommands.GROUP)
            .description("Wait until a job ends or reaches a state; exit with its outcome")
            .option(
                Opt.value(
                        "for",
                        "STATE",
                        "ended (default: exit with the job's exit code), or a status or alias"
                            + " (running, succeeded, ...): exit 0 once reached")
                    .completes(
                        s ->
                            Stream.concat(
                                    Completions.words(ENDED).apply(s).stream(),
                                    Completions.statuses().apply(s).stream())
                                .toList()))
            .option(
                Opt.value(
                    "timeout", "DURATION", "give up after DURATION (exit 124; the job goes on)"))
            .option(Opt.flag("json", "print the job as JSON at the end instead of a line"))
            .arguments("ID", Completions.jobIds())
            .examples(
                """
                  job wait job_01j9...                     # exits with the job's own exit code
                  job wait job_01j9... --for running --timeout 5m
                  job wait job_01j9... --for succeeded --json\
                """)
            .action(JobWaitCommands::await));
  }

  private static int await(Invocation in) {
    String id = in.argument("a job id");
    JobStatus target = in.string("for").map(JobWaitCommands::target).orElse(null);
    Duration timeout =
        in.string("timeout").map(s -> Times.parseDuration(s, "--timeout")).orElse(null);
    Instant until = timeout == null ? null : Instant.now().plus(timeout);
    JobkitClient client = in.client();
    try (EventStream events = client.jobs().watch(id)) {
      Waiting waiting = new Waiting(client, id, target, events.initialState().orElseThrow());
      if (!waiting.done() && EventLoop.run(events, until, QUIET, waiting).isPresent()) {
        // On stderr: stdout holds the one answer, and a stopped wait has none.
        in.renderErr().note("stopped waiting; job " + id + " goes on");
        return Exits.INTERRUPTED;
      }
      Job job = waiting.job;
      if (!waiting.done()) {
        throw new TimedOutException(
            "timed out after "
                + Times.short_(timeout)
                + " waiting for job "
                + id
                + (target == null ? " to end" : " to be " + target)
                + "; it is "
                + job.status()
                + " and goes on");
      }
      if (in.flag("json")) {
        in.render().json(job);
      } else if (target == null || target.isTerminal() || !job.status().isTerminal()) {
        if (job.status().isTerminal()) {
          in.render().ended(job);
        } else {
          in.out()
              .println(
                  in.style().cyan(id)
                      + (job.status() == target
                          ? " is " + in.style().status(target)
                          : " reached " + in.style().status(target) + ", now " + job.status()));
        }
      } else {
        in.out()
            .println(
                in.style().cyan(id)
                    + (waiting.reached ? " reached " + target + ", then" : "")
                    + " ended "
                    + in.style().status(job.status())
                    + (waiting.reached ? "" : ", so it will not be " + target));
      }
      if (target == null) {
        return Exits.ofJob(job);
      }
      return waiting.reached ? Exits.OK : Exits.ERROR;
    }
  }

  /** The status {@code --for} names; null for {@code ended}. */
  private static JobStatus target(String text) {
    if (text.strip().toLowerCase(Locale.ROOT).equals(ENDED)) {
      return null;
    }
    try {
      return JobStatus.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--for takes 'ended' or a job status: " + e.getMessage());
    }
  }

  /** Where the waited-for job is, and whether it has reached the state waited for. */
  private static final class Waiting implements EventLoop.Hook {
    private final JobkitClient client;
    private final String id;
    private final JobStatus target;
    private Job job;
    private boolean reached;

    Waiting(JobkitClient client, String id, JobStatus target, Job initial) {
      this.client = client;
      this.id = id;
      this.target = target;
      look(initial);
    }

    /** Whether there is nothing more to wait for. */
    boolean done() {
      return reached || job.status().isTerminal();
    }

    @Override
    public boolean onEvent(JobEvent e) {
      if (!e.isTransition()) {
        return true;
      }
      boolean into = target != null && e.toStatus() == target;
      if (into || e.toStatus().isTerminal()) {
        reached |= into;
        read();
      }
      return !done();
    }

    @Override
    public boolean onQuiet() {
      read(); // a quiet spell: in case
      return !done();
    }

    private void look(Job seen) {
      job = seen;
      reached |= target != null && seen.status() == target;
    }

    /**
     * Reads the job again. A read that may heal (the service restarting) leaves the wait going to
     * its deadline, as the SDK's waiters do; an interrupted one leaves the interrupt for the loop's
     * next read of the events, which ends the wait as Ctrl-C should.
     */
    private void read() {
      try {
        look(client.jobs().get(id));
      } catch (JobkitException e) {
        if (!e.isRetryable() && !Thread.currentThread().isInterrupted()) {
          throw e;
        }
      }
    }
  }
}
