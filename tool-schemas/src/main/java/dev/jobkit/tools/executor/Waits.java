package dev.jobkit.tools.executor;

import dev.jobkit.sdk.EventStream;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.tools.executor.ToolExecutor.WaitCanceled;
import dev.jobkit.tools.registry.Inputs;
import dev.jobkit.tools.registry.Outputs;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code wait_for_job} and {@code get_operation}. {@code wait_for_job} waits on the job's live
 * events, and fits a client's request timeout. One call waits at most the executor's call limit
 * ({@link Inputs#WAIT_CALL_LIMIT_SECONDS} by default, less than the 60 s MCP clients give a
 * request) and answers {@code still_waiting} when more was asked, so the model calls again instead
 * of the client giving up on the request. Progress notifications alone would not help: the
 * TypeScript client still gives up at 60 s unless its host asked it to reset the timeout on
 * progress, which a server cannot know. A caller that follows progress (an MCP {@code
 * progressToken}) is sent where the wait stands every few seconds; a canceled request stops the
 * wait at once.
 */
final class Waits {

  /** How often a wait looks at cancellation (and re-reads the job after a quiet spell). */
  private static final Duration SLICE = Duration.ofMillis(500);

  /** How often a wait re-reads the job when no event came. */
  private static final Duration REREAD_EVERY = Duration.ofSeconds(5);

  /** How often a followed wait reports progress. */
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

  private final JobkitClient client;
  private final int limitSeconds;

  /**
   * @param callLimit the longest one call waits (whole seconds, at most {@link
   *     Inputs#WAIT_CALL_LIMIT_SECONDS})
   */
  Waits(JobkitClient client, Duration callLimit) {
    this.client = client;
    this.limitSeconds = (int) callLimit.toSeconds();
  }

  /** How long a call that asked for {@code asked} seconds (null: the default) waits. */
  private int limit(Integer asked) {
    return asked == null ? limitSeconds : Math.min(asked, limitSeconds);
  }

  Outputs.WaitResult waitFor(Inputs.WaitForJob in, CallContext call) {
    Predicate<JobStatus> reached;
    if (in.until() == null || in.until().isEmpty()) {
      reached = JobStatus::isTerminal;
    } else {
      Set<JobStatus> wanted = EnumSet.noneOf(JobStatus.class);
      in.until().forEach(s -> wanted.addAll(JobTools.statuses(s)));
      reached = wanted::contains;
    }
    int asked = in.timeoutSeconds() == null ? limitSeconds : in.timeoutSeconds();
    boolean followed = call.progress() != null;
    int limit = limit(in.timeoutSeconds());
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(limit).toNanos();
    long nextProgress = start + PROGRESS_EVERY.toNanos();
    long nextReread = start + REREAD_EVERY.toNanos();
    try (EventStream events = client.jobs().watch(in.jobId())) {
      Job job = events.initialState().orElseThrow();
      while (!reached.test(job.status()) && !job.status().isTerminal()) {
        if (call.canceled().getAsBoolean()) {
          throw new WaitCanceled();
        }
        long now = System.nanoTime();
        if (now >= deadline) {
          return notYet(job, limit, asked);
        }
        if (followed && now >= nextProgress) {
          double waited = (now - start) / 1e9;
          call.progress()
              .report(
                  Math.floor(waited),
                  (double) limit,
                  "job " + job.id() + " is " + job.status() + " after " + (long) waited + " s");
          // On a fixed beat from the start: a report that went out late does not push the next.
          do {
            nextProgress += PROGRESS_EVERY.toNanos();
          } while (nextProgress <= now);
        }
        long left = Math.min(deadline - now, SLICE.toNanos());
        Optional<JobEvent> event = events.next(Duration.ofNanos(Math.max(1, left)));
        boolean moved =
            event.isPresent()
                && (reached.test(event.get().toStatus()) || event.get().toStatus().isTerminal());
        // A quiet spell re-reads the job now and then, in case the stream missed an event.
        if (moved || System.nanoTime() >= nextReread) {
          job = client.jobs().get(in.jobId());
          nextReread = System.nanoTime() + REREAD_EVERY.toNanos();
        }
      }
      boolean hit = reached.test(job.status());
      return new Outputs.WaitResult(
          hit,
          false,
          false,
          hit
              ? "job " + job.id() + " is " + job.status()
              : "job "
                  + job.id()
                  + " ended "
                  + job.status()
                  + " without reaching the states waited for",
          JobViews.of(job));
    }
  }

  /**
   * {@code get_operation}: the flush operation once it has ended, or as it is after the call's wait
   * (long polls of a few seconds, so that cancellation and progress are seen between them).
   */
  Outputs.OperationResult operation(Inputs.GetOperation in, CallContext call) {
    int limit = limit(in.timeoutSeconds());
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(limit).toNanos();
    FlushOperation operation = client.jobs().flushOperation(in.operationId());
    while (!operation.done() && System.nanoTime() < deadline) {
      if (call.canceled().getAsBoolean()) {
        throw new WaitCanceled();
      }
      if (call.progress() != null) {
        call.progress()
            .report(
                operation.deleted() + operation.skippedCount(),
                (double) operation.matched(),
                operation.id() + " removed " + operation.deleted() + " of " + operation.matched());
      }
      long left = Math.min(deadline - System.nanoTime(), PROGRESS_EVERY.toNanos());
      operation =
          client.jobs().flushOperation(in.operationId(), Duration.ofNanos(Math.max(1, left)));
    }
    String counts =
        "stopped "
            + operation.stopped()
            + " and removed "
            + operation.deleted()
            + " of "
            + operation.matched()
            + " job(s)"
            + (operation.skippedCount() > 0
                ? "; " + operation.skippedCount() + " could not be removed"
                : "");
    String message =
        switch (operation.status()) {
          case RUNNING ->
              operation.id()
                  + " is still running after "
                  + limit
                  + " s ("
                  + counts
                  + " so far); call get_operation again to keep following it";
          case SUCCEEDED -> operation.id() + " has ended: it " + counts;
          default ->
              operation.id()
                  + " ended "
                  + operation.status().wireName()
                  + " ("
                  + operation.statusReason()
                  + "); it "
                  + counts;
        };
    return FlushViews.operation(operation, message);
  }

  private static Outputs.WaitResult notYet(Job job, int limit, int asked) {
    boolean early = limit < asked;
    return new Outputs.WaitResult(
        false,
        !early,
        early,
        early
            ? "job "
                + job.id()
                + " is still "
                + job.status()
                + " after "
                + limit
                + " s; call wait_for_job again to keep waiting (one call waits at most "
                + limit
                + " s so that it fits in the client's request timeout)"
            : "job " + job.id() + " is still " + job.status() + " after " + limit + " s",
        JobViews.of(job));
  }
}
