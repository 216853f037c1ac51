package dev.jobkit.sdk.guard;

import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.internal.Calls;
import dev.jobkit.sdk.internal.JobApi;
import dev.jobkit.sdk.jobs.FlushResult;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The guarded flush, behind {@link GuardedActions#flush}: the service's dry run is its pre-check,
 * done again just before the flush goes out; the flush request is sent once, and when its answer is
 * lost the jobs it was confirmed for decide what happened.
 */
final class GuardedFlush {

  private final JobApi api;
  private final Calls calls;
  private final Confirmer confirmer;
  private final Duration verifyTimeout;

  GuardedFlush(JobApi api, Calls calls, Confirmer confirmer, Duration verifyTimeout) {
    this.api = api;
    this.calls = calls;
    this.confirmer = confirmer;
    this.verifyTimeout = verifyTimeout;
  }

  /** The pre-check: what the flush would hit, from the service's dry run (a read, retried). */
  Precheck precheck(FlushScope scope, String owner, boolean purgeArtifacts) {
    FlushResult dry =
        calls.run(() -> api.flush(scope.wireName(), purgeArtifacts, false, true, of(owner)));
    return Prompts.flush(scope, owner, purgeArtifacts, dry);
  }

  /** The flush of {@link GuardedActions#flush(FlushScope, String, boolean, boolean)}. */
  Outcome run(FlushScope scope, String owner, boolean purgeArtifacts, boolean force) {
    long start = System.nanoTime();
    Precheck confirmedFor = null;
    Precheck precheck = null;
    for (int round = 0; round < GuardedActions.MAX_ROUNDS; round++) {
      precheck = precheck(scope, owner, purgeArtifacts);
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
      Precheck now = precheck(scope, owner, purgeArtifacts);
      if (!now.jobIds().equals(confirmedFor.jobIds())) {
        continue; // other jobs than the ones confirmed would be hit: ask again
      }
      FlushResult result;
      try {
        result =
            calls.once(() -> api.flush(scope.wireName(), purgeArtifacts, force, false, of(owner)));
      } catch (JobkitException failure) {
        if (!GuardedActions.answerLost(failure)) {
          throw failure;
        }
        return afterLostFlush(owner, precheck, failure, start);
      }
      boolean verified = result.skipped().isEmpty() && result.deleted() == result.matched();
      String message =
          verified
              ? "flushed " + result.deleted() + " job(s)"
              : "flushed "
                  + result.deleted()
                  + " of "
                  + result.matched()
                  + " job(s); "
                  + result.skipped().size()
                  + " survived: "
                  + result.skipped();
      return new Outcome(
          verified ? OutcomeKind.APPLIED : OutcomeKind.UNVERIFIED,
          precheck,
          true,
          true,
          verified,
          null,
          message,
          result,
          GuardedActions.elapsed(start));
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
   * A flush whose answer was lost: it is not sent again. If some of the jobs it was confirmed for
   * are gone, it landed (or is still at work on the service): the rest are waited for, up to the
   * verify timeout. If none is gone, nothing shows that it landed, and {@code failure} is thrown.
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
    FlushResult all = calls.run(() -> api.flush("all", false, false, true, of(owner)));
    Set<String> left = new HashSet<>(all.jobIds());
    left.retainAll(ids);
    return left;
  }

  /** The query of a flush limited to {@code owner}; empty for none. */
  private static Map<String, Object> of(String owner) {
    return owner == null ? Map.of() : Map.of("owner", owner);
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
