package dev.jobkit.server.engine;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.PodStatus;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.exec.JobExecutor.AttemptEnd;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.exec.JobTransfers;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.Transition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides what an ended attempt means for its job and writes it: succeeded, canceled (a stop was
 * asked for), or failed — then retried while attempts remain, else {@code FAILED} for good. The
 * {@link Dispatcher} settles the attempts it watched end; {@link Recovery} the ones found lost (a
 * restart, or an end nobody could record). Both go through {@link #retryOrFail}, the one place that
 * rule is written.
 */
@Component
class AttemptSettler {

  private static final Logger log = LoggerFactory.getLogger(AttemptSettler.class);

  private final JobStore store;
  private final JobLifecycle lifecycle;
  private final JobFiles files;
  private final JobReports reports;
  private final AppPhases phases;
  private final JobTransfers transfers;
  private final Counter unrecorded;

  AttemptSettler(
      JobStore store,
      JobLifecycle lifecycle,
      JobFiles files,
      JobReports reports,
      AppPhases phases,
      JobTransfers transfers,
      MeterRegistry registry) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.files = files;
    this.reports = reports;
    this.phases = phases;
    this.transfers = transfers;
    this.unrecorded =
        Counter.builder("jobkit.ends.unrecorded")
            .description(
                "Attempt ends that could not be written, nor the job's failure after them;"
                    + " the check for lost jobs ends those jobs")
            .register(registry);
  }

  /**
   * Records how an attempt whose every process is gone ended, with what the job last said of its
   * progress and metrics; if that cannot be written, the job still ends ({@link #endUnrecorded}).
   * {@code queued} (if not null) runs once the usual end, a success with nothing after it, waits
   * its turn among the service's writes ({@link JobLifecycle#move(Transition, Runnable)}); never
   * for any other end.
   */
  boolean record(AttemptEnd end, AppAttempt app, Runnable queued) {
    return record(end, app, Actor.EXECUTOR, queued);
  }

  /**
   * {@link #record(AttemptEnd, AppAttempt, Runnable)} of an attempt {@code actor} ran (an external
   * worker), with no callback.
   *
   * @return whether the attempt's token was revoked with the end (it succeeded, with no steps after
   *     the run): then the caller need not revoke it
   */
  boolean record(AttemptEnd end, AppAttempt app, Actor actor) {
    return record(end, app, actor, null);
  }

  private boolean record(AttemptEnd end, AppAttempt app, Actor actor, Runnable queued) {
    try {
      reports.snapshot(end.jobId());
    } catch (RuntimeException e) {
      // Progress and metrics are what the job said about itself, not how it ended: the end is
      // recorded without them.
      log.warn("could not keep the progress and metrics of job {}", end.jobId(), e);
    }
    try {
      return settle(end, app, actor, queued);
    } catch (RuntimeException e) {
      log.error("recording the end of job {} attempt {} failed", end.jobId(), end.attempt(), e);
      endUnrecorded(end, e);
      return false;
    }
  }

  /**
   * Records how an attempt ended, from the job's status now; whether the attempt's token was
   * revoked with it.
   */
  private boolean settle(AttemptEnd end, AppAttempt app, Actor actor, Runnable queued) {
    Instant now = Instant.now();
    // The usual end, a success with nothing after it, is written without reading the job: the
    // job as its launch read it (its id and app never change), moved only while it is still
    // RUNNING at this attempt. A stop, a timeout or the check for lost attempts moves it elsewhere
    // first; then the loop below reads where it is and follows.
    if (app != null
        && end.succeeded()
        && !hasStepsAfterRun(app)
        && succeed(app.job(), end, actor, now, queued)) {
      return true;
    }
    boolean[] revoked = {false};
    for (int round = 0; round < 10; round++) {
      Job job = store.findSummary(end.jobId()).orElse(null);
      if (job == null || job.attempt() != end.attempt()) {
        return false;
      }
      boolean applied =
          switch (job.status()) {
            case RUNNING -> {
              if (end.succeeded() && hasStepsAfterRun(app)) {
                yield lifecycle
                    .move(
                        Transition.of(
                                job.id(),
                                JobStatus.RUNNING,
                                JobStatus.RUN_DONE,
                                actor,
                                end.logsCutReason())
                            .also(tx -> recordPods(tx, end, now)))
                    .isPresent();
              }
              if (end.succeeded()) {
                revoked[0] = succeed(job, end, actor, now, null);
                yield revoked[0];
              }
              String error =
                  end.failedPod() >= 0
                      ? "pod " + end.failedPod() + " exited with code " + end.exitCode()
                      : "the job's processes were terminated";
              int code = end.failedPod() >= 0 ? end.exitCode() : 143;
              yield fail(
                  Transition.of(job.id(), JobStatus.RUNNING, JobStatus.RUN_ERROR, actor, error)
                      .lastError(error)
                      .exitCode(code)
                      .also(tx -> recordEnd(tx, end, JobStatus.RUN_ERROR, error, now)),
                  end.attempt(),
                  job.maxAttempts(),
                  end.withLogsCut("exit code " + code),
                  app);
            }
            case CANCEL_REQUESTED ->
                lifecycle
                    .move(
                        Transition.of(
                                job.id(),
                                JobStatus.CANCEL_REQUESTED,
                                JobStatus.CANCELED,
                                actor,
                                end.withLogsCut("stopped; every process of the job has exited"))
                            .finishedAt(now)
                            .also(tx -> recordEnd(tx, end, JobStatus.CANCELED, null, now)))
                    .isPresent();
            case RUN_TIMEOUT -> {
              String why = job.lastError() != null ? job.lastError() : "timed out";
              String hookFailure =
                  app == null || app.steps().onTimeout() == null
                      ? null
                      : runHook(app, "on_timeout", app.steps().onTimeout(), JobStatus.RUN_TIMEOUT);
              yield retryOrFail(
                  job.id(),
                  JobStatus.RUN_TIMEOUT,
                  end.attempt(),
                  job.maxAttempts(),
                  hookFailure == null ? why : why + "; " + hookFailure,
                  tx -> recordEnd(tx, end, JobStatus.RUN_TIMEOUT, why, now));
            }
            default -> {
              // Already settled elsewhere (for example canceled at once); just close the record.
              yield true;
            }
          };
      if (applied) {
        return revoked[0];
      }
    }
    log.warn("could not settle the end of job {} attempt {}", end.jobId(), end.attempt());
    return false;
  }

  /**
   * Records the attempt's success, while the job is {@code RUNNING} at that attempt; whether it
   * applied. Nothing runs after it: the token goes with it, in its transaction, and so does the
   * result manifest when there is no result file (else ResultManifests takes it, hashing the files,
   * after the commit).
   */
  private boolean succeed(Job job, AttemptEnd end, Actor actor, Instant now, Runnable queued) {
    long[] outputs = files.outputTotals(job.id());
    return lifecycle
        .move(
            Transition.of(
                    job.id(), JobStatus.RUNNING, JobStatus.SUCCEEDED, actor, end.logsCutReason())
                .seen(job)
                .whileAttempt(end.attempt())
                .finishedAt(now)
                .exitCode(0)
                .outputs(outputs[0], outputs[1])
                .also(tx -> recordEnd(tx, end, JobStatus.SUCCEEDED, null, now))
                .also(tx -> tx.revokeToken(job.id(), end.attempt()))
                .also(
                    tx -> {
                      if (outputs[0] == 0) {
                        tx.emptyResultManifest(job.id(), now);
                      }
                    }),
            queued)
        .isPresent();
  }

  /**
   * The end of an attempt could not be written as it happened: the job still ends, {@code FAILED}
   * with the reason ({@code CANCELED} if a stop was asked for), never left active. It is not
   * retried: whether the attempt did its work is not known. If even this fails, the sweep's check
   * for lost jobs ends it later.
   */
  private void endUnrecorded(AttemptEnd end, RuntimeException cause) {
    String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
    String why =
        "the service could not record the end of attempt "
            + end.attempt()
            + " ("
            + cause.getClass().getSimpleName()
            + ": "
            + (message.length() > 300 ? message.substring(0, 300) + "…" : message)
            + ")";
    try {
      Job job = store.findSummary(end.jobId()).orElse(null);
      if (job == null || job.attempt() != end.attempt() || job.status().isTerminal()) {
        return;
      }
      JobStatus from = job.status();
      if (from == JobStatus.CANCEL_REQUESTED) {
        lifecycle.move(
            Transition.of(job.id(), from, JobStatus.CANCELED, Actor.EXECUTOR, "stopped; but " + why)
                .finishedAt(Instant.now()));
        return;
      }
      if (!from.canTransitionTo(JobStatus.FAILED) && from.canTransitionTo(JobStatus.RUN_ERROR)) {
        if (lifecycle
            .move(
                Transition.of(job.id(), from, JobStatus.RUN_ERROR, Actor.EXECUTOR, why)
                    .lastError(why))
            .isEmpty()) {
          return;
        }
        from = JobStatus.RUN_ERROR;
      }
      lifecycle.move(
          Transition.of(job.id(), from, JobStatus.FAILED, Actor.EXECUTOR, why)
              .lastError(why)
              .finishedAt(Instant.now()));
    } catch (RuntimeException again) {
      unrecorded.increment();
      log.error(
          "could not end job {} either; the check for lost jobs will end it", end.jobId(), again);
    }
  }

  /**
   * Records that attempt {@code attempt} failed — {@code intoFailure} moves the job into {@code
   * RUN_ERROR} or {@code RUN_TIMEOUT} — then retries or fails the job for {@code why}; false if the
   * job had moved on before.
   */
  boolean fail(Transition intoFailure, int attempt, int maxAttempts, String why) {
    return fail(intoFailure, attempt, maxAttempts, why, null);
  }

  /**
   * {@link #fail(Transition, int, int, String)} for an attempt of an app: its {@code on_error} hook
   * (if any) runs in {@code RUN_ERROR} before the retry or the failure, and how it failed, if it
   * did, is added to that event's reason without changing the outcome.
   */
  boolean fail(Transition intoFailure, int attempt, int maxAttempts, String why, AppAttempt app) {
    if (lifecycle.move(intoFailure).isEmpty()) {
      return false;
    }
    String hookFailure = null;
    if (app != null && intoFailure.to() == JobStatus.RUN_ERROR && app.steps().onError() != null) {
      hookFailure = runHook(app, "on_error", app.steps().onError(), JobStatus.RUN_ERROR);
    }
    retryOrFail(
        intoFailure.jobId(),
        intoFailure.to(),
        attempt,
        maxAttempts,
        hookFailure == null ? why : why + "; " + hookFailure,
        tx -> {});
    return true;
  }

  /**
   * Runs an {@code on_error} or {@code on_timeout} hook, in phase {@code at}: how it failed, or
   * null.
   */
  private String runHook(AppAttempt app, String name, dev.jobkit.sdk.apps.Hook hook, JobStatus at) {
    AppPhases.HookEnd end = phases.run(app.job(), app.attempt(), app.token(), name, hook, at);
    return end.stopped() ? null : end.failure();
  }

  private static boolean hasStepsAfterRun(AppAttempt app) {
    return app != null && app.steps().hasStepsAfterRun();
  }

  /**
   * The steps after the run of a job in {@code RUN_DONE}: {@code postprocess}, then {@code
   * stage_out}, each phase entered once its step is done; then {@code SUCCEEDED}. A failed step is
   * a failed attempt (retried like a run error); a stop during a hook ends the job {@code CANCELED}
   * once the hook's processes are gone.
   */
  void afterRun(AppAttempt app) {
    String id = app.job().id();
    JobStatus at = JobStatus.RUN_DONE;
    if (!isAt(app, at)) {
      return;
    }
    try {
      if (app.steps().postprocess() != null) {
        AppPhases.HookEnd hook =
            phases.run(
                app.job(),
                app.attempt(),
                app.token(),
                "postprocess",
                app.steps().postprocess(),
                at);
        if (hook.stopped() || !isAt(app, at)) {
          endStopped(app);
          return;
        }
        if (hook.failure() != null) {
          failAfterRun(app, at, hook.failure());
          return;
        }
        if (!moveAfterRun(app, at, JobStatus.POSTPROCESSED)) {
          endStopped(app);
          return;
        }
        at = JobStatus.POSTPROCESSED;
      }
      if (!app.steps().stageOut().isEmpty()) {
        try {
          transfers.stageOut(id, app.steps().stageOut());
        } catch (JobTransfers.TransferFailedException e) {
          failAfterRun(app, at, e.getMessage());
          return;
        }
        if (!moveAfterRun(app, at, JobStatus.STAGED_OUT)) {
          return;
        }
        at = JobStatus.STAGED_OUT;
      }
      Instant now = Instant.now();
      long[] outputs = files.outputTotals(id);
      lifecycle.move(
          Transition.of(id, at, JobStatus.SUCCEEDED, Actor.EXECUTOR, null)
              .finishedAt(now)
              .exitCode(0)
              .outputs(outputs[0], outputs[1])
              .also(tx -> tx.finishAttempt(id, app.attempt(), JobStatus.SUCCEEDED, 0, null, now)));
    } catch (RuntimeException e) {
      log.error("the steps after the run of job {} failed", id, e);
      String why =
          "the steps after the run failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
      Job job = store.findSummary(id).orElse(null);
      if (job != null
          && job.attempt() == app.attempt()
          && job.status().canTransitionTo(JobStatus.RUN_ERROR)) {
        failAfterRun(app, job.status(), why);
      }
    }
  }

  private boolean isAt(AppAttempt app, JobStatus status) {
    return store
        .findSummary(app.job().id())
        .map(j -> j.status() == status && j.attempt() == app.attempt())
        .orElse(false);
  }

  private boolean moveAfterRun(AppAttempt app, JobStatus from, JobStatus to) {
    return lifecycle
        .move(Transition.of(app.job().id(), from, to, Actor.EXECUTOR, null))
        .isPresent();
  }

  private void failAfterRun(AppAttempt app, JobStatus from, String why) {
    Instant now = Instant.now();
    String id = app.job().id();
    fail(
        Transition.of(id, from, JobStatus.RUN_ERROR, Actor.EXECUTOR, why)
            .lastError(why)
            .also(tx -> tx.finishAttempt(id, app.attempt(), JobStatus.RUN_ERROR, null, why, now)),
        app.attempt(),
        app.job().maxAttempts(),
        why,
        app);
  }

  /** A stop came during a step after the run: the job ends {@code CANCELED}, its hook gone. */
  private void endStopped(AppAttempt app) {
    Instant now = Instant.now();
    String id = app.job().id();
    lifecycle.move(
        Transition.of(
                id,
                JobStatus.CANCEL_REQUESTED,
                JobStatus.CANCELED,
                Actor.EXECUTOR,
                "stopped; every process of the job has exited")
            .finishedAt(now)
            .also(tx -> tx.finishAttempt(id, app.attempt(), JobStatus.CANCELED, null, null, now)));
  }

  /** After a failed attempt: queued again while attempts remain, else failed for good. */
  boolean retryOrFail(
      String jobId,
      JobStatus from,
      int attempt,
      int max,
      String why,
      Consumer<JobStore.Tx> alsoInTransaction) {
    Transition next =
        attempt < max
            ? Transition.of(
                jobId,
                from,
                JobStatus.RESTART_READY,
                Actor.SCHEDULER,
                "retry " + (attempt + 1) + " of " + max + " after " + why)
            : Transition.of(jobId, from, JobStatus.FAILED, Actor.SCHEDULER, why)
                .finishedAt(Instant.now());
    return lifecycle.move(next.also(alsoInTransaction)).isPresent();
  }

  private static void recordEnd(
      JobStore.Tx tx, AttemptEnd end, JobStatus outcome, String error, Instant at) {
    recordPods(tx, end, at);
    tx.finishAttempt(end.jobId(), end.attempt(), outcome, end.exitCode(), error, at);
  }

  private static void recordPods(JobStore.Tx tx, AttemptEnd end, Instant at) {
    for (int pod = 0; pod < end.exitCodes().size(); pod++) {
      int code = end.exitCodes().get(pod);
      PodStatus status =
          code == 0
              ? PodStatus.SUCCEEDED
              : end.terminated() && pod != end.failedPod() ? PodStatus.KILLED : PodStatus.FAILED;
      tx.podFinished(end.jobId(), pod, status, code, end.pid(pod), at);
    }
  }
}
