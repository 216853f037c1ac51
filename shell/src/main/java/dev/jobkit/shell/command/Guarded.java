package dev.jobkit.shell.command;

import dev.jobkit.sdk.GuardedActions;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.Progress;
import dev.jobkit.shell.render.Style;
import dev.jobkit.shell.render.Times;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs a risky action through the SDK's guarded protocol with the terminal as the confirmer: the
 * pre-check and its question are printed, a typed {@code yes} goes ahead ({@code --yes} answers for
 * scripts), a spinner (with the job's own progress, or a flush's counts as its background operation
 * moves) shows while the end state is verified, and the outcome is printed with what was or was not
 * verified. Without a terminal and without {@code --yes} it refuses before sending anything.
 */
final class Guarded {

  private static final String[] FRAMES = {"|", "/", "-", "\\"};

  private Guarded() {}

  static int run(Invocation in, String jobId, Function<GuardedActions, Outcome> action) {
    Session session = in.session();
    boolean yes = in.flag("yes");
    refuseWithoutTerminal(in);
    PrintWriter out = in.out();
    Style style = in.style();
    // When the yes was given; 0 while asking. The spinner shows only after a yes.
    AtomicLong confirmedAt = new AtomicLong();
    Confirmer confirmer =
        precheck -> {
          confirmedAt.set(0);
          boolean ok = ask(session, precheck.prompt(), yes, out, style);
          if (ok) {
            confirmedAt.set(System.nanoTime());
          }
          return ok;
        };
    // A flush runs on the service as an operation; its counts, as last read, for the spinner.
    AtomicReference<FlushOperation> flushSeen = new AtomicReference<>();
    GuardedActions guarded = in.client().guarded(confirmer).onFlushProgress(flushSeen::set);
    CompletableFuture<Outcome> future = new CompletableFuture<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                future.complete(action.apply(guarded));
              } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
              }
            },
            "jobkit-guarded");
    worker.setDaemon(true);
    worker.start();
    Outcome outcome = await(in, jobId, future, confirmedAt, flushSeen, out, style);
    if (outcome == null) {
      // Ctrl-C stops the waiting, not the action: nothing failed, so no error.
      in.render().note("stopped waiting; the action may still complete (check with 'job get')");
      return Exits.INTERRUPTED;
    }
    in.render().outcome(outcome);
    return Exits.of(outcome.kind());
  }

  /**
   * Refuses, before anything is sent, a risky command that has neither {@code --yes} nor a terminal
   * to ask.
   */
  static void refuseWithoutTerminal(Invocation in) {
    if (!in.flag("yes") && in.session().asker().isEmpty()) {
      throw new RefusedException(
          "'"
              + in.commandName()
              + "' needs a yes, and there is no terminal to ask: nothing was sent. Add --yes to"
              + " go ahead without asking.");
    }
  }

  /**
   * Asks {@code prompt} (a question ending in {@code [yes/no]}, every name in it quoted): true only
   * for a typed {@code yes}, or at once with {@code --yes} (printed as {@code yes (--yes)}).
   */
  static boolean ask(Session session, String prompt, boolean yes, PrintWriter out, Style style) {
    if (yes) {
      out.println(style.yellow(prompt) + " yes (--yes)");
      out.flush();
      return true;
    }
    out.flush();
    String answer = session.asker().orElseThrow().ask(style.yellow(prompt) + " ");
    boolean ok = answer != null && answer.strip().toLowerCase(Locale.ROOT).equals("yes");
    if (!ok && answer != null && answer.strip().toLowerCase(Locale.ROOT).equals("y")) {
      out.println(style.dim("(only a typed 'yes' counts)"));
    }
    return ok;
  }

  /** The outcome, or null when Ctrl-C stopped the waiting. */
  private static Outcome await(
      Invocation in,
      String jobId,
      CompletableFuture<Outcome> future,
      AtomicLong confirmedAt,
      AtomicReference<FlushOperation> flushSeen,
      PrintWriter out,
      Style style) {
    boolean spin = in.session().terminalOutput();
    boolean announced = false;
    int frame = 0;
    long lastRead = 0;
    String state = "";
    while (true) {
      try {
        return future.get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        long since = confirmedAt.get();
        if (since == 0) {
          continue;
        }
        if (!spin) {
          // Without a terminal, stdout is for the outcome alone: a script reads it.
          continue;
        }
        if (jobId != null && System.nanoTime() - lastRead > 500_000_000L) {
          lastRead = System.nanoTime();
          state = describe(in, jobId);
        } else if (flushSeen.get() != null) {
          state = describe(flushSeen.get());
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - since);
        out.print(
            "\r"
                + style.cyan(FRAMES[frame++ % FRAMES.length])
                + " verifying"
                + state
                + " "
                + style.dim(Times.short_(waited))
                + "\u001B[K");
        out.flush();
        announced = true;
      } catch (InterruptedException ctrlC) {
        clear(spin && announced, out);
        return null; // the interrupt (Ctrl-C) is spent
      } catch (ExecutionException e) {
        clear(spin && announced, out);
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new IllegalStateException(e.getCause());
      } finally {
        if (future.isDone()) {
          clear(spin && announced, out);
        }
      }
    }
  }

  private static String describe(Invocation in, String jobId) {
    try {
      Job job = in.client().jobs().get(jobId);
      Progress p = job.progress();
      String progress =
          p == null || p.percent() == null
              ? ""
              : String.format(Locale.ROOT, ", progress %.0f%%", p.percent())
                  + (p.message() == null ? "" : " " + p.message());
      return ": " + job.status() + progress;
    } catch (JobkitException gone) {
      return "";
    }
  }

  /** {@code : flush_… removed 1200 of 3000 job(s), stopped 3000}. */
  private static String describe(FlushOperation operation) {
    return ": "
        + operation.id()
        + " removed "
        + operation.deleted()
        + " of "
        + operation.matched()
        + " job(s), stopped "
        + operation.stopped();
  }

  private static void clear(boolean drawn, PrintWriter out) {
    if (drawn) {
      out.print("\r\u001B[K");
      out.flush();
    }
  }
}
