package dev.jobkit.sdk.guard;

import dev.jobkit.sdk.InvalidStateException;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.TransportException;
import dev.jobkit.sdk.WaitTimeoutException;
import dev.jobkit.sdk.internal.Calls;
import dev.jobkit.sdk.internal.ClientAccess;
import dev.jobkit.sdk.internal.JobApi;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Stop, delete and flush, each through the guarded protocol: <b>pre-check</b> from the lifecycle
 * table (a refusal sends nothing that changes state), <b>confirm</b> through the {@link Confirmer},
 * <b>execute</b> (pre-checking and confirming again if the job changed in a way that changes the
 * answer), <b>verify</b> with the waiter. Every call ends in one named {@link OutcomeKind}.
 *
 * <pre>{@code
 * Outcome outcome = client.guarded(Confirmers.console()).stop(jobId);
 * switch (outcome.kind()) {
 *   case APPLIED -> System.out.println("stopped: " + outcome.finalStatus());
 *   case DECLINED -> System.out.println("left running");
 *   default -> System.out.println(outcome.message());
 * }
 * }</pre>
 *
 * <p>A prompt names the job the way a person recognises it, and nothing a job or a model wrote can
 * pass for part of the sentence: {@code Job job_01… "resnet-sweep" (owner alice, submitted 3 h ago)
 * is currently RUNNING. Stopping a running job cannot be undone and discards any progress it has
 * not checkpointed. Stop it? [yes/no]}. A name is quoted, freed of line breaks, control and
 * invisible characters, and cut to 80 characters; a job renamed in the last hour shows the name it
 * had ({@code renamed from "prod-db-migration" 4 min ago}), read from its events. If those events
 * cannot be read, the pre-check fails and nothing is asked or done: a prompt that cannot tell
 * whether the job was just renamed is not shown (fail closed).
 */
public final class GuardedActions {

  private static final int MAX_ROUNDS = 3;

  private final JobkitClient client;
  private final Confirmer confirmer;
  private final Duration verifyTimeout;
  private final JobApi api;
  private final Calls calls;
  // The ages in prompts ("submitted 3 h ago") are measured on it; tests set it.
  private final Clock clock;

  /** Guarded actions of {@code client}, asking {@code confirmer}; verification waits up to 60 s. */
  public GuardedActions(JobkitClient client, Confirmer confirmer) {
    this(client, confirmer, Duration.ofSeconds(60), Clock.systemUTC());
  }

  GuardedActions(JobkitClient client, Confirmer confirmer, Duration verifyTimeout, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.confirmer = Objects.requireNonNull(confirmer, "confirmer");
    this.verifyTimeout = verifyTimeout;
    this.clock = Objects.requireNonNull(clock, "clock");
    ClientAccess access = ClientAccess.get(JobkitClient.class);
    this.api = access.api(client);
    this.calls = access.calls(client);
  }

  /** The same actions, verifying for at most {@code timeout}. */
  public GuardedActions withVerifyTimeout(Duration timeout) {
    return new GuardedActions(client, confirmer, timeout, clock);
  }

  /**
   * What stopping the job would do, read now (the job and its events); changes nothing.
   *
   * @throws dev.jobkit.sdk.JobkitException if the job or its events cannot be read (fail closed: a
   *     prompt that cannot tell whether the job was just renamed is not made)
   */
  public Precheck precheckStop(String jobId) {
    return precheckStop(client.jobs().get(jobId));
  }

  /**
   * What deleting the job would do, read now (the job and its events); changes nothing.
   *
   * @throws dev.jobkit.sdk.JobkitException if the job or its events cannot be read (fail closed)
   */
  public Precheck precheckDelete(String jobId, boolean purgeArtifacts) {
    Job job = client.jobs().get(jobId);
    return Prompts.delete(job, client.jobs().events(jobId), purgeArtifacts, clock.instant());
  }

  /**
   * What the flush would hit, from the service's dry run (its count and the names of the first
   * jobs); changes nothing.
   */
  public Precheck precheckFlush(FlushScope scope, boolean purgeArtifacts) {
    FlushResult dry = flushCall(scope, purgeArtifacts, false, true);
    return Prompts.flush(scope, purgeArtifacts, dry);
  }

  /** The stop pre-check of a job just read, with its events read now. */
  private Precheck precheckStop(Job job) {
    return Prompts.stop(job, client.jobs().events(job.id()), clock.instant());
  }

  /**
   * Stops a job: {@code APPLIED} once it is {@code CANCELED}; {@code ALREADY_TERMINAL} if it had
   * ended; {@code RACE_LOST} if it ended between the pre-check and the stop.
   *
   * @throws dev.jobkit.sdk.JobkitException if the job or its events cannot be read before the
   *     question is asked; nothing was stopped then
   */
  public Outcome stop(String jobId) {
    long start = System.nanoTime();
    Precheck confirmedFor = null;
    Precheck precheck = null;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Job job = client.jobs().get(jobId);
      precheck = precheckStop(job);
      if (job.status().isTerminal()) {
        // Ended before we asked: nothing to do. Ended after the yes: it changed under us.
        return notExecuted(
            confirmedFor == null ? OutcomeKind.ALREADY_TERMINAL : OutcomeKind.RACE_LOST,
            precheck,
            confirmedFor != null,
            job.status(),
            "job " + jobId + " has already ended " + job.status() + "; nothing to stop",
            start);
      }
      if (!precheck.allowed()) {
        return notExecuted(
            OutcomeKind.NOT_ALLOWED_IN_STATE,
            precheck,
            false,
            job.status(),
            precheck.consequence(),
            start);
      }
      if (confirmedFor == null || !confirmedFor.consequence().equals(precheck.consequence())) {
        if (!confirmer.confirm(precheck)) {
          return notExecuted(
              OutcomeKind.DECLINED,
              precheck,
              false,
              job.status(),
              "not confirmed; job " + jobId + " was left " + job.status(),
              start);
        }
        confirmedFor = precheck;
      }
      // Just before acting: did it change in a way that changes the answer? (Its name and age are
      // not part of the answer: the consequence depends on its state only.)
      Job now = client.jobs().get(jobId);
      if (!Prompts.stopConsequence(now).equals(confirmedFor.consequence())) {
        continue;
      }
      try {
        calls.once(() -> api.stop(jobId));
      } catch (InvalidStateException ended) {
        JobStatus status = ended.currentStatus();
        return notExecuted(
            OutcomeKind.RACE_LOST,
            precheck,
            true,
            status,
            "job " + jobId + " ended " + status + " before the stop landed",
            start);
      } catch (TransportException lost) {
        // The answer was lost; the stop may have landed. Decide from what the job says now.
        JobStatus status = client.jobs().get(jobId).status();
        if (status != JobStatus.CANCEL_REQUESTED && status != JobStatus.CANCELED) {
          throw lost;
        }
      }
      return verify(jobId, precheck, start, s -> s == JobStatus.CANCELED, "stopped");
    }
    return notExecuted(
        OutcomeKind.RACE_LOST,
        precheck,
        confirmedFor != null,
        precheck.status(),
        "job " + jobId + " kept changing state; nothing was done",
        start);
  }

  /** Deletes an ended job with its events and files. */
  public Outcome delete(String jobId) {
    return delete(jobId, true);
  }

  /**
   * Deletes an ended job: {@code APPLIED} once it is gone; {@code NOT_ALLOWED_IN_STATE} while it is
   * active (stop it first).
   *
   * @throws dev.jobkit.sdk.JobkitException if the job or its events cannot be read before the
   *     question is asked; nothing was deleted then
   */
  public Outcome delete(String jobId, boolean purgeArtifacts) {
    long start = System.nanoTime();
    Precheck precheck = precheckDelete(jobId, purgeArtifacts);
    JobStatus status = precheck.status();
    if (!precheck.allowed()) {
      return notExecuted(
          OutcomeKind.NOT_ALLOWED_IN_STATE, precheck, false, status, precheck.consequence(), start);
    }
    if (!confirmer.confirm(precheck)) {
      return notExecuted(
          OutcomeKind.DECLINED,
          precheck,
          false,
          status,
          "not confirmed; job " + jobId + " was kept",
          start);
    }
    try {
      calls.once(
          () -> {
            api.delete(jobId, purgeArtifacts);
            return null;
          });
    } catch (NotFoundException goneAlready) {
      return outcome(
          OutcomeKind.RACE_LOST,
          precheck,
          true,
          false,
          true,
          null,
          "job " + jobId + " was deleted by someone else first",
          start);
    } catch (InvalidStateException changed) {
      return notExecuted(
          OutcomeKind.RACE_LOST,
          precheck,
          true,
          changed.currentStatus(),
          "job " + jobId + " is " + changed.currentStatus() + " now; it can no longer be deleted",
          start);
    } catch (TransportException lost) {
      // Fall through to verification: the delete may have landed.
    }
    try {
      Job still = client.jobs().get(jobId);
      return outcome(
          OutcomeKind.UNVERIFIED,
          precheck,
          true,
          true,
          false,
          still.status(),
          "job " + jobId + " still exists after the delete",
          start);
    } catch (NotFoundException gone) {
      return outcome(
          OutcomeKind.APPLIED, precheck, true, true, true, null, "deleted job " + jobId, start);
    }
  }

  /** Flushes with {@code purge_artifacts} on and without {@code force}. */
  public Outcome flush(FlushScope scope) {
    return flush(scope, true, false);
  }

  /**
   * Stops and removes every job of {@code scope} (the caller's own; an admin's: everyone's). {@code
   * APPLIED} when every job it hit is gone; {@code UNVERIFIED} naming the survivors.
   */
  public Outcome flush(FlushScope scope, boolean purgeArtifacts, boolean force) {
    long start = System.nanoTime();
    Precheck confirmedFor = null;
    Precheck precheck = null;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      precheck = precheckFlush(scope, purgeArtifacts);
      if (!precheck.allowed()) {
        return notExecuted(
            OutcomeKind.NOT_ALLOWED_IN_STATE, precheck, false, null, precheck.consequence(), start);
      }
      if (confirmedFor == null || !confirmedFor.jobIds().equals(precheck.jobIds())) {
        if (!confirmer.confirm(precheck)) {
          return notExecuted(
              OutcomeKind.DECLINED,
              precheck,
              false,
              null,
              "not confirmed; nothing was flushed",
              start);
        }
        confirmedFor = precheck;
      }
      Precheck now = precheckFlush(scope, purgeArtifacts);
      if (!now.jobIds().equals(confirmedFor.jobIds())) {
        continue; // other jobs than the ones confirmed would be hit: ask again
      }
      FlushResult result = calls.once(() -> flushCall(scope, purgeArtifacts, force, false));
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
          elapsed(start));
    }
    return notExecuted(
        OutcomeKind.RACE_LOST,
        precheck,
        confirmedFor != null,
        null,
        "the jobs to flush kept changing; nothing was done",
        start);
  }

  private FlushResult flushCall(FlushScope scope, boolean purge, boolean force, boolean dryRun) {
    Map<String, Object> none = new HashMap<>();
    return calls.run(() -> api.flush(scope.wireName(), purge, force, dryRun, none));
  }

  private Outcome verify(
      String jobId,
      Precheck precheck,
      long start,
      java.util.function.Predicate<JobStatus> expected,
      String verb) {
    try {
      Job end = client.jobs().await(jobId, JobStatus::isTerminal, verifyTimeout);
      boolean ok = expected.test(end.status());
      return outcome(
          ok ? OutcomeKind.APPLIED : OutcomeKind.UNVERIFIED,
          precheck,
          true,
          true,
          ok,
          end.status(),
          ok
              ? verb + " job " + jobId + "; it is " + end.status()
              : "job " + jobId + " ended " + end.status() + ", not as expected",
          start);
    } catch (WaitTimeoutException slow) {
      return outcome(
          OutcomeKind.UNVERIFIED,
          precheck,
          true,
          true,
          false,
          slow.lastSeen().status(),
          "job " + jobId + " was still " + slow.lastSeen().status() + " after " + verifyTimeout,
          start);
    }
  }

  /** An outcome where nothing that changes state was done (so nothing was verified either). */
  private static Outcome notExecuted(
      OutcomeKind kind,
      Precheck precheck,
      boolean confirmed,
      JobStatus finalStatus,
      String message,
      long start) {
    return outcome(kind, precheck, confirmed, false, false, finalStatus, message, start);
  }

  private static Outcome outcome(
      OutcomeKind kind,
      Precheck precheck,
      boolean confirmed,
      boolean executed,
      boolean verified,
      JobStatus finalStatus,
      String message,
      long start) {
    return new Outcome(
        kind, precheck, confirmed, executed, verified, finalStatus, message, null, elapsed(start));
  }

  private static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
