package dev.jobkit.sdk;

import dev.jobkit.sdk.Prompts.StopEffect;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.internal.JobApi;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobDeletion;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Stop, delete and flush, each through the guarded protocol: <b>pre-check</b> from the lifecycle
 * table (a refusal sends nothing that changes state), <b>confirm</b> through the {@link Confirmer},
 * <b>execute</b> (pre-checking and confirming again if the job changed in a way that changes the
 * answer), <b>verify</b> with the waiter. Every call ends in one named {@link OutcomeKind}.
 *
 * <p>A stop or a delete carries the status its pre-check saw ({@code expected_status}), so the
 * service applies it only while the job is still in that status: a change between the yes and the
 * request cannot slip through. A stop or delete request is sent once, never retried: when its
 * answer is lost (no connection, a 5xx), what the service says afterwards decides whether it
 * landed. A flush carries an {@code Idempotency-Key} and is retried into the one operation it
 * started.
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
 *
 * <p>Over 400 lines because it is the one door to the risky actions, with their Javadoc: stop and
 * delete each read as one pass of pre-check, confirm, execute and verify, and the flush's longer
 * protocol lives in {@code GuardedFlush}.
 */
public final class GuardedActions {

  static final int MAX_ROUNDS = 3;

  private final JobkitClient client;
  private final Confirmer confirmer;
  private final Duration verifyTimeout;
  private final JobApi api;
  private final Calls calls;
  // The ages in prompts ("submitted 3 h ago") are measured on it; tests set it.
  private final Clock clock;
  private final Consumer<FlushOperation> flushProgress;

  /**
   * Guarded actions of {@code client}, asking {@code confirmer}; verification waits up to 60 s.
   * Made only by {@link JobkitClient#guarded}, which hands over its own transport: no other code
   * can give a guarded action another one.
   */
  GuardedActions(JobkitClient client, Confirmer confirmer) {
    this(client, confirmer, Duration.ofSeconds(60), Clock.systemUTC());
  }

  GuardedActions(JobkitClient client, Confirmer confirmer, Duration verifyTimeout, Clock clock) {
    this(client, confirmer, verifyTimeout, clock, operation -> {});
  }

  private GuardedActions(
      JobkitClient client,
      Confirmer confirmer,
      Duration verifyTimeout,
      Clock clock,
      Consumer<FlushOperation> flushProgress) {
    this.client = Objects.requireNonNull(client, "client");
    this.confirmer = Objects.requireNonNull(confirmer, "confirmer");
    this.verifyTimeout = verifyTimeout;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.flushProgress = Objects.requireNonNull(flushProgress, "flushProgress");
    this.api = client.api();
    this.calls = client.calls();
  }

  /**
   * The same actions, verifying for at most {@code timeout}. A flush is followed for that long: one
   * still running then ends {@code UNVERIFIED}, its {@link Outcome#operation} naming it.
   *
   * @param timeout how long to wait for the expected end state after an action was sent
   * @return a copy of these actions with that timeout; this one is unchanged
   */
  public GuardedActions withVerifyTimeout(Duration timeout) {
    return new GuardedActions(client, confirmer, timeout, clock, flushProgress);
  }

  /**
   * The same actions, telling {@code listener} how a flush's background operation stands each time
   * it is read while it is followed (its counts; for a progress display). The listener runs on the
   * thread of the flush and should return quickly.
   *
   * @param listener given the operation each time it is read
   * @return a copy of these actions with that listener, replacing this one's
   */
  public GuardedActions onFlushProgress(Consumer<FlushOperation> listener) {
    return new GuardedActions(client, confirmer, verifyTimeout, clock, listener);
  }

  /**
   * What stopping the job would do, read now (the job and its events); changes nothing.
   *
   * <p>Unlike {@link #stop}, which answers {@link OutcomeKind#NOT_FOUND} for a job that is not
   * there, this throws: it has no outcome to answer with, only a pre-check.
   *
   * @param jobId the job to pre-check
   * @return what a stop would do, with the question to ask; {@link Precheck#allowed()} false when
   *     the job's state does not allow it
   * @throws NotFoundException if there is no such job, or this key may not see it
   * @throws JobkitException if the job or its events cannot be read (fail closed: a prompt that
   *     cannot tell whether the job was just renamed is not made)
   */
  public Precheck precheckStop(String jobId) {
    return precheckStop(client.jobs().get(jobId));
  }

  /**
   * What deleting the job would do, read now (the job and its events); changes nothing.
   *
   * <p>Unlike {@link #delete}, which answers {@link OutcomeKind#NOT_FOUND} for a job that is not
   * there, this throws: it has no outcome to answer with, only a pre-check.
   *
   * @param jobId the job to pre-check
   * @param purgeArtifacts whether the delete would remove the job's files too
   * @return what a delete would do, with the question to ask; {@link Precheck#allowed()} false
   *     while the job is active
   * @throws NotFoundException if there is no such job, or this key may not see it
   * @throws JobkitException if the job or its events cannot be read (fail closed)
   */
  public Precheck precheckDelete(String jobId, boolean purgeArtifacts) {
    Job job = client.jobs().get(jobId);
    return Prompts.delete(job, client.jobs().events(jobId), purgeArtifacts, clock.instant());
  }

  /**
   * What the flush would hit, from the service's dry run (its count and the names of the first
   * jobs); changes nothing.
   *
   * @param scope the active jobs only, or every job
   * @param purgeArtifacts whether the flush would remove the jobs' files too
   * @return what the flush would do, with the question to ask and the jobs it would hit
   */
  public Precheck precheckFlush(FlushScope scope, boolean purgeArtifacts) {
    return precheckFlush(scope, null, purgeArtifacts);
  }

  /**
   * What a flush of {@code owner}'s jobs only would hit (every job the key may flush when {@code
   * owner} is null), from the service's dry run; changes nothing. Only an admin may name another
   * user.
   *
   * @param scope the active jobs only, or every job
   * @param owner the one user whose jobs the flush is limited to, or null
   * @param purgeArtifacts whether the flush would remove the jobs' files too
   * @return what the flush would do, with the question to ask and the jobs it would hit
   * @throws ForbiddenException if a key that is not an admin's names another user
   */
  public Precheck precheckFlush(FlushScope scope, String owner, boolean purgeArtifacts) {
    return precheckFlushMatching(scope, ownerOnly(owner), purgeArtifacts);
  }

  /**
   * What a flush of the jobs {@code filter} selects would hit, from the service's dry run; changes
   * nothing. The filter is the one of a listing ({@link Jobs#list}): states (within the scope's),
   * owner, tags, name, parent, creation times; its page size and cursor may not be set. A user's
   * flush hits their own jobs only; an admin's everyone's the filter selects.
   *
   * @param scope the active jobs only, or every job
   * @param filter which of them: the filters of a listing
   * @param purgeArtifacts whether the flush would remove the jobs' files too
   * @return what the flush would do, with the question to ask and the jobs it would hit
   * @throws ValidationException if the filter sets a page size or cursor, or names an ended state
   *     with scope {@code ACTIVE}
   * @throws ForbiddenException if a key that is not an admin's names another user
   */
  public Precheck precheckFlushMatching(FlushScope scope, JobQuery filter, boolean purgeArtifacts) {
    return flusher().precheck(scope, flushFilter(filter), purgeArtifacts);
  }

  /** The filter of a flush of {@code owner}'s jobs, or of every job the key may flush. */
  private static JobQuery ownerOnly(String owner) {
    return owner == null ? JobQuery.all() : JobQuery.builder().owner(owner).build();
  }

  /** A listing's filter as a flush's: a flush has no pages. */
  private static JobQuery flushFilter(JobQuery filter) {
    Objects.requireNonNull(filter, "filter");
    if (filter.limit() != null || filter.cursor() != null) {
      throw ValidationException.beforeSending(
          "a flush's filter is not valid",
          filter.limit() != null ? "limit" : "cursor",
          "a flush hits every job its filter selects; leave out the page size and cursor");
    }
    return filter;
  }

  /** The stop pre-check of a job just read, with its events read now. */
  private Precheck precheckStop(Job job) {
    return Prompts.stop(job, client.jobs().events(job.id()), clock.instant());
  }

  /**
   * Stops a job: {@code APPLIED} once it is {@code CANCELED}; {@code ALREADY_TERMINAL} if it had
   * ended; {@code RACE_LOST} if it ended, or could no longer be stopped, between the pre-check and
   * the stop. The stop is sent for the status the pre-check saw; a job that moved on meanwhile to a
   * state where stopping does something else (a queued job that started running) is pre-checked and
   * asked about again, one where it does the same (running to run done) is stopped without asking
   * again. {@code NOT_FOUND} if there is no such job (or this key may not see it): nothing is asked
   * or sent; one that disappears after the yes, before the stop, is {@code RACE_LOST}.
   *
   * @param jobId the job to stop
   * @return how the stop ended, and what was asked, sent and seen on the way
   * @throws JobkitException if the job or its events cannot be read before the question is asked
   *     for another reason than its not being there (fail closed); nothing was stopped then. Also
   *     when the stop's answer was lost and the job shows no sign of it: it was sent once and not
   *     repeated
   */
  public Outcome stop(String jobId) {
    long start = System.nanoTime();
    Precheck confirmedFor = null;
    Precheck precheck = null;
    // The status the next stop request names; null until a pre-check has read one.
    JobStatus expected = null;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      if (expected == null) {
        Job job;
        try {
          job = client.jobs().get(jobId);
          precheck = precheckStop(job);
        } catch (NotFoundException gone) {
          // Not there before we asked: nothing to do. Gone after the yes: it changed under us.
          if (confirmedFor == null) {
            return notFound(jobId, start);
          }
          return notExecuted(
              OutcomeKind.RACE_LOST,
              precheck,
              true,
              null,
              "job "
                  + jobId
                  + " was gone when it was pre-checked again after the yes; nothing was done",
              start);
        }
        JobStatus status = job.status();
        if (status.isTerminal()) {
          // Ended before we asked: nothing to do. Ended after the yes: it changed under us.
          return notExecuted(
              confirmedFor == null ? OutcomeKind.ALREADY_TERMINAL : OutcomeKind.RACE_LOST,
              precheck,
              confirmedFor != null,
              status,
              "job " + jobId + " has already ended " + status + "; nothing to stop",
              start);
        }
        if (!precheck.allowed()) {
          return notExecuted(
              OutcomeKind.NOT_ALLOWED_IN_STATE,
              precheck,
              false,
              status,
              precheck.consequence(),
              start);
        }
        if (confirmedFor == null || StopEffect.of(status) != StopEffect.of(confirmedFor.status())) {
          if (!confirmer.confirm(precheck)) {
            return notExecuted(
                OutcomeKind.DECLINED,
                precheck,
                false,
                status,
                "not confirmed; job " + jobId + " was left " + status,
                start);
          }
          confirmedFor = precheck;
        }
        expected = status;
      }
      String seen = expected.name();
      try {
        calls.once(() -> api.stop(jobId, seen));
      } catch (InvalidStateException moved) {
        // Not in the status the pre-check saw any more: the service changed nothing.
        JobStatus now = moved.currentStatus();
        if (now == null || !Operation.STOP.allowedIn(now)) {
          return notExecuted(
              OutcomeKind.RACE_LOST,
              precheck,
              true,
              now,
              now == null
                  ? "job " + jobId + " changed state before the stop landed; nothing was done"
                  : now.isTerminal()
                      ? "job " + jobId + " ended " + now + " before the stop landed"
                      : "job " + jobId + " is " + now + " now; it can no longer be stopped",
              start);
        }
        expected = StopEffect.of(now) == StopEffect.of(confirmedFor.status()) ? now : null;
        continue;
      } catch (JobkitException failure) {
        if (!answerLost(failure)) {
          throw failure;
        }
        // The answer was lost; the stop may have landed. Decide from what the job says now.
        JobStatus status = client.jobs().get(jobId).status();
        if (status != JobStatus.CANCEL_REQUESTED && status != JobStatus.CANCELED) {
          throw failure;
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

  /**
   * Deletes an ended job with its events and files, as {@link #delete(String, boolean)} does.
   *
   * @param jobId the job to delete
   * @return how the delete ended, and what was asked, sent and seen on the way
   */
  public Outcome delete(String jobId) {
    return delete(jobId, true);
  }

  /**
   * Deletes an ended job: {@code APPLIED} once it is gone; {@code NOT_ALLOWED_IN_STATE} while it is
   * active (stop it first); {@code NOT_FOUND} if there is no such job (deleted already, or not
   * visible to this key): nothing is asked or sent. The delete is sent for the status the pre-check
   * saw.
   *
   * @param jobId the job to delete
   * @param purgeArtifacts whether its files go too; false keeps them on the service's disk
   * @return how the delete ended, and what was asked, sent and seen on the way
   * @throws JobkitException if the job or its events cannot be read before the question is asked
   *     for another reason than its not being there (fail closed); nothing was deleted then. Also
   *     when the delete's answer was lost and the job is still there: it was sent once and not
   *     repeated
   */
  public Outcome delete(String jobId, boolean purgeArtifacts) {
    long start = System.nanoTime();
    Precheck precheck;
    try {
      precheck = precheckDelete(jobId, purgeArtifacts);
    } catch (NotFoundException gone) {
      return notFound(jobId, start);
    }
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
    JobkitException lost = null;
    JobDeletion deletion = null;
    try {
      deletion = calls.once(() -> api.delete(jobId, purgeArtifacts, status.name()));
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
    } catch (JobkitException failure) {
      if (!answerLost(failure)) {
        throw failure;
      }
      lost = failure; // the delete may have landed: the job being gone says it did
    }
    try {
      Job still = client.jobs().get(jobId);
      if (lost != null) {
        throw lost;
      }
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
      return new Outcome(
          OutcomeKind.APPLIED,
          precheck,
          true,
          true,
          true,
          null,
          "deleted job " + jobId + removedRecords(deletion),
          null,
          elapsed(start),
          null,
          deletion);
    }
  }

  /**
   * What went with a deleted job, as the end of a sentence: {@code " with 1 model and 2 result
   * records"}; empty when nothing did, or the answer was lost.
   */
  private static String removedRecords(JobDeletion deletion) {
    if (deletion == null || deletion.removedModels() + deletion.removedResults() == 0) {
      return "";
    }
    return " with "
        + deletion.removedModels()
        + (deletion.removedModels() == 1 ? " model" : " models")
        + " and "
        + deletion.removedResults()
        + (deletion.removedResults() == 1 ? " result record" : " result records");
  }

  /**
   * Flushes with {@code purge_artifacts} on and without {@code force}, as {@link #flush(FlushScope,
   * String, boolean, boolean)} does.
   *
   * @param scope the active jobs only, or every job
   * @return how the flush ended, with the service's account of it
   */
  public Outcome flush(FlushScope scope) {
    return flush(scope, true, false);
  }

  /**
   * Stops and removes every job of {@code scope} (the caller's own; an admin's: everyone's). {@code
   * APPLIED} when every job it hit is gone; {@code UNVERIFIED} naming the survivors.
   *
   * @param scope the active jobs only, or every job
   * @param purgeArtifacts whether the jobs' files go too
   * @param force whether to kill processes at once and remove jobs whose processes do not end
   * @return how the flush ended, with the service's account of it
   */
  public Outcome flush(FlushScope scope, boolean purgeArtifacts, boolean force) {
    return flush(scope, null, purgeArtifacts, force);
  }

  /**
   * Stops and removes every job of {@code scope} that belongs to {@code owner} (null: every job the
   * key may flush; only an admin may name another user). {@code APPLIED} when every job it hit is
   * gone; {@code UNVERIFIED} naming the survivors.
   *
   * <p>The flush is bound to the snapshot of the dry run that listed the confirmed jobs, so it hits
   * none submitted after it. The service runs it in the background; it is followed (for at most the
   * verify timeout) to its end and verified: {@code APPLIED} when a dry run bound to the same
   * snapshot finds none of its jobs left. One still running when the timeout is over is {@code
   * UNVERIFIED}, and {@link Outcome#operation} names it for following it further.
   *
   * <p>The flush request is sent once. When its answer is lost (no connection, a 5xx), the jobs it
   * was confirmed for decide: if some of them are gone it landed, and the rest are waited for as a
   * verification; if none is, the failure is thrown, since nothing shows it landed (a new flush
   * pre-checks again).
   *
   * @param scope the active jobs only, or every job
   * @param owner the one user whose jobs to flush, or null
   * @param purgeArtifacts whether the jobs' files go too
   * @param force whether to kill processes at once and remove jobs whose processes do not end
   * @return how the flush ended, with the service's account of it and its background operation
   * @throws ForbiddenException if a key that is not an admin's names another user
   */
  public Outcome flush(FlushScope scope, String owner, boolean purgeArtifacts, boolean force) {
    return flushMatching(scope, ownerOnly(owner), purgeArtifacts, force);
  }

  /**
   * Stops and removes the jobs of {@code scope} that {@code filter} selects, as {@link
   * #flush(FlushScope, String, boolean, boolean)} does: the filter is the one of a listing ({@link
   * Jobs#list}: states within the scope's, owner, tags, name, parent, creation times; no page size
   * or cursor), so the pre-check shows, and the flush hits, the jobs such a listing shows of the
   * ones the key may flush.
   *
   * <p>A job can come to match a status or name filter after the dry run (a queued job starts
   * running, a job is renamed). So with one of those the flush is bound to exactly the jobs its
   * pre-check listed: the service refuses it (409, nothing done) if its filters select others by
   * then, and the flush is pre-checked, and asked about, again; after {@code 3} rounds it ends
   * {@code RACE_LOST}.
   *
   * @param scope the active jobs only, or every job
   * @param filter which of them: the filters of a listing
   * @param purgeArtifacts whether the jobs' files go too
   * @param force whether to kill processes at once and remove jobs whose processes do not end
   * @return how the flush ended, with the service's account of it and its background operation
   * @throws ValidationException if the filter sets a page size or cursor, or names an ended state
   *     with scope {@code ACTIVE}
   * @throws ForbiddenException if a key that is not an admin's names another user
   */
  public Outcome flushMatching(
      FlushScope scope, JobQuery filter, boolean purgeArtifacts, boolean force) {
    return flusher().run(scope, flushFilter(filter), purgeArtifacts, force);
  }

  private GuardedFlush flusher() {
    return new GuardedFlush(api, calls, confirmer, verifyTimeout, flushProgress);
  }

  /**
   * Whether a changing request may have landed although it failed: its answer never came (no
   * connection, a timeout) or was a 5xx, which a proxy also sends for an answer it lost.
   */
  static boolean answerLost(JobkitException failure) {
    return failure instanceof TransportException || failure instanceof ServerException;
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

  /**
   * The outcome of an action on a job the pre-check could not read: it answered 404, so there was
   * nothing to show a person and nothing was asked or sent.
   */
  private static Outcome notFound(String jobId, long start) {
    return notExecuted(
        OutcomeKind.NOT_FOUND,
        null,
        false,
        null,
        "there is no job " + jobId + ", or this key may not see it; nothing was done",
        start);
  }

  /** An outcome where nothing that changes state was done (so nothing was verified either). */
  static Outcome notExecuted(
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

  static Duration elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
