package dev.jobkit.sdk;

import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.internal.JobApi;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.FlushResult;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The guarded flush, behind {@link GuardedActions#flush}: the service's dry run is its pre-check,
 * done again just before the flush goes out, whose snapshot the flush carries (so it hits none of
 * the jobs submitted since); the flush request carries an Idempotency-Key, so it is retried into
 * the one background operation it started, which is followed to its end and verified; when every
 * answer is lost the jobs it was confirmed for decide what happened.
 */
final class GuardedFlush {

  /** The longest one request of the follow waits on the service (below any read timeout). */
  static final Duration FOLLOW_WAIT = Duration.ofSeconds(20);

  private final JobApi api;
  private final Calls calls;
  private final Confirmer confirmer;
  private final Duration verifyTimeout;
  private final Consumer<FlushOperation> progress;

  GuardedFlush(
      JobApi api,
      Calls calls,
      Confirmer confirmer,
      Duration verifyTimeout,
      Consumer<FlushOperation> progress) {
    this.api = api;
    this.calls = calls;
    this.confirmer = confirmer;
    this.verifyTimeout = verifyTimeout;
    this.progress = progress;
  }

  /** The pre-check: what the flush would hit, from the service's dry run (a read, retried). */
  Precheck precheck(FlushScope scope, JobQuery filter, boolean purgeArtifacts) {
    return Prompts.flush(
        scope, filter, purgeArtifacts, dryRun(scope, filter, purgeArtifacts, null));
  }

  /**
   * The service's dry run: what a flush would hit now, and the snapshot that binds a flush to it;
   * given a {@code snapshot}, what a flush bound to it would hit now.
   */
  private FlushResult dryRun(
      FlushScope scope, JobQuery filter, boolean purgeArtifacts, String snapshot) {
    return calls.run(
        () -> api.flush(scope.wireName(), purgeArtifacts, false, true, query(filter, snapshot)));
  }

  /** The flush of {@link GuardedActions#flushMatching}. */
  Outcome run(FlushScope scope, JobQuery filter, boolean purgeArtifacts, boolean force) {
    long start = System.nanoTime();
    Precheck confirmedFor = null;
    Precheck precheck = null;
    for (int round = 0; round < GuardedActions.MAX_ROUNDS; round++) {
      precheck = precheck(scope, filter, purgeArtifacts);
      if (!precheck.allowed()) {
        return GuardedActions.notExecuted(
            OutcomeKind.NOT_ALLOWED_IN_STATE, precheck, false, null, precheck.consequence(), start);
      }
      if (confirmedFor == null || !confirmedFor.jobIds().equals(precheck.jobIds())) {
        if (!confirmer.confirm(precheck)) {
          return GuardedActions.notExecuted(
              OutcomeKind.DECLINED,
              precheck,
              false,
              null,
              "not confirmed; nothing was flushed",
              start);
        }
        confirmedFor = precheck;
      }
      FlushResult now = dryRun(scope, filter, purgeArtifacts, null);
      if (!now.jobIds().equals(confirmedFor.jobIds())) {
        continue; // other jobs than the ones confirmed would be hit: ask again
      }
      // Bound to the snapshot of a dry run that listed exactly the confirmed jobs: the service
      // hits none submitted after it (an older service ignores the parameter); with a status or
      // name filter, which a job can come to match, it flushes only if it would hit exactly them.
      String snapshot = now.snapshot();
      // One key for every attempt: a repeat whose first answer was lost gets the operation the
      // first one started, never a second flush.
      String key = UUID.randomUUID().toString();
      FlushOperation started;
      try {
        started =
            calls.run(
                () ->
                    api.startFlush(
                        key, scope.wireName(), purgeArtifacts, force, query(filter, snapshot)));
      } catch (ConflictException conflict) {
        // The service refuses a flush whose filters no longer select the jobs of its snapshot:
        // if they changed, this is a race, and the next round pre-checks (and asks) again.
        if (dryRun(scope, filter, purgeArtifacts, null).jobIds().equals(confirmedFor.jobIds())) {
          throw conflict;
        }
        continue;
      } catch (JobkitException failure) {
        if (!GuardedActions.answerLost(failure)) {
          throw failure;
        }
        return afterLostFlush(filter.owner(), precheck, failure, start);
      }
      return follow(scope, filter, purgeArtifacts, precheck, started, start);
    }
    return GuardedActions.notExecuted(
        OutcomeKind.RACE_LOST,
        precheck,
        confirmedFor != null,
        null,
        "the jobs to flush kept changing; nothing was done",
        start);
  }

  /**
   * Follows the flush's operation to its end (long polls, each a read, retried) for at most the
   * verify timeout, then verifies: a dry run bound to the same snapshot must find none of its jobs
   * left but the ones it names as skipped.
   */
  private Outcome follow(
      FlushScope scope,
      JobQuery filter,
      boolean purgeArtifacts,
      Precheck precheck,
      FlushOperation started,
      long start) {
    long deadline = System.nanoTime() + verifyTimeout.toNanos();
    FlushOperation operation = started;
    progress.accept(operation);
    while (!operation.done()) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      String wait = Math.min(left, FOLLOW_WAIT.toMillis()) + "ms";
      String id = operation.id();
      operation = calls.run(() -> api.operation(id, wait));
      progress.accept(operation);
    }
    FlushResult result =
        new FlushResult(
            scope.wireName(),
            false,
            operation.matched(),
            operation.stopped(),
            operation.deleted(),
            precheck.jobIds(),
            operation.skipped(),
            operation.preview(),
            operation.snapshot());
    String counts =
        "removed "
            + operation.deleted()
            + " of "
            + operation.matched()
            + " job(s)"
            + records(operation);
    if (!operation.done()) {
      return flushed(
          OutcomeKind.UNVERIFIED,
          false,
          "flush "
              + operation.id()
              + " is still running after "
              + verifyTimeout
              + " ("
              + counts
              + " so far); follow it at /api/v1/operations/"
              + operation.id(),
          precheck,
          result,
          operation,
          start);
    }
    if (operation.status() != FlushOperation.Status.SUCCEEDED) {
      return flushed(
          OutcomeKind.UNVERIFIED,
          false,
          "flush "
              + operation.id()
              + " ended "
              + operation.status().wireName()
              + " ("
              + operation.statusReason()
              + "); it "
              + counts,
          precheck,
          result,
          operation,
          start);
    }
    Set<String> named = new HashSet<>();
    operation.skipped().forEach(j -> named.add(j.id()));
    // Of the jobs it was confirmed for: with a status or name filter, others may match by now.
    Set<String> confirmed = Set.copyOf(precheck.jobIds());
    List<String> left =
        operation.snapshot() == null
            ? List.of()
            : dryRun(scope, filter, purgeArtifacts, operation.snapshot()).jobIds().stream()
                .filter(id -> confirmed.contains(id) && !named.contains(id))
                .toList();
    if (!left.isEmpty()) {
      return flushed(
          OutcomeKind.UNVERIFIED,
          false,
          "flush "
              + operation.id()
              + " "
              + counts
              + ", but "
              + left.size()
              + " of its jobs are still there: "
              + left.stream().limit(FlushResult.PREVIEW_SIZE).toList()
              + (left.size() > FlushResult.PREVIEW_SIZE ? " …" : ""),
          precheck,
          result,
          operation,
          start);
    }
    boolean verified = operation.skippedCount() == 0;
    return flushed(
        verified ? OutcomeKind.APPLIED : OutcomeKind.UNVERIFIED,
        verified,
        verified
            ? "flushed " + operation.deleted() + " job(s)" + records(operation)
            : "flushed "
                + operation.deleted()
                + " of "
                + operation.matched()
                + " job(s)"
                + records(operation)
                + "; "
                + operation.skippedCount()
                + " survived: "
                + operation.skipped().stream().limit(FlushResult.PREVIEW_SIZE).toList()
                + (operation.skippedCount() > FlushResult.PREVIEW_SIZE ? " …" : ""),
        precheck,
        result,
        operation,
        start);
  }

  /**
   * The model and result records that went with the jobs, as the end of a sentence; empty when none
   * did.
   */
  private static String records(FlushOperation operation) {
    if (operation.removedModels() + operation.removedResults() == 0) {
      return "";
    }
    return " with "
        + operation.removedModels()
        + " model(s) and "
        + operation.removedResults()
        + " result record(s)";
  }

  private static Outcome flushed(
      OutcomeKind kind,
      boolean verified,
      String message,
      Precheck precheck,
      FlushResult result,
      FlushOperation operation,
      long start) {
    return new Outcome(
        kind,
        precheck,
        true,
        true,
        verified,
        null,
        message,
        result,
        GuardedActions.elapsed(start),
        operation);
  }

  /**
   * A flush whose every attempt's answer was lost. If some of the jobs it was confirmed for are
   * gone, it landed (or is still at work on the service): the rest are waited for, up to the verify
   * timeout. If none is gone, nothing shows that it landed, and {@code failure} is thrown.
   */
  private Outcome afterLostFlush(
      String owner, Precheck precheck, JobkitException failure, long start) {
    Set<String> hit = Set.copyOf(precheck.jobIds());
    Set<String> left = stillThere(owner, hit);
    if (left.size() == hit.size()) {
      throw failure;
    }
    long deadline = System.nanoTime() + verifyTimeout.toNanos();
    long pause = 50;
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      pause(Math.min(pause, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      pause = Math.min(pause * 2, 1_000);
      left = stillThere(owner, hit);
    }
    String lost = "the flush's answer was lost (" + failure.getMessage() + ")";
    boolean verified = left.isEmpty();
    String message =
        verified
            ? "flushed " + hit.size() + " job(s); " + lost + ", and none of them is left"
            : lost
                + "; "
                + (hit.size() - left.size())
                + " of its "
                + hit.size()
                + " job(s) are gone, "
                + left.size()
                + " still exist after "
                + verifyTimeout
                + ": "
                + left.stream().sorted().limit(FlushResult.PREVIEW_SIZE).toList()
                + (left.size() > FlushResult.PREVIEW_SIZE ? " …" : "");
    return new Outcome(
        verified ? OutcomeKind.APPLIED : OutcomeKind.UNVERIFIED,
        precheck,
        true,
        true,
        verified,
        null,
        message,
        null,
        GuardedActions.elapsed(start));
  }

  /** Which of {@code ids} still exist, from a dry run of scope {@code all}: a read, retried. */
  private Set<String> stillThere(String owner, Set<String> ids) {
    FlushResult all = calls.run(() -> api.flush("all", false, false, true, query(owner, null)));
    Set<String> left = new HashSet<>(all.jobIds());
    left.retainAll(ids);
    return left;
  }

  /** The query of a flush limited to {@code owner}, bound to {@code snapshot} if given. */
  private static Map<String, Object> query(String owner, String snapshot) {
    return query(
        owner == null ? JobQuery.all() : JobQuery.builder().owner(owner).build(), snapshot);
  }

  /** The query of a flush limited by {@code filter} and bound to {@code snapshot}, if given. */
  private static Map<String, Object> query(JobQuery filter, String snapshot) {
    Map<String, Object> query = new LinkedHashMap<>(filter.toParameters());
    query.remove("limit");
    query.remove("cursor");
    if (snapshot != null) {
      query.put("snapshot", snapshot);
    }
    return query;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobkitException("interrupted while verifying the flush", e);
    }
  }
}
