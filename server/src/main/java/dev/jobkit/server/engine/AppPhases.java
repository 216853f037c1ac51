package dev.jobkit.server.engine;

import dev.jobkit.sdk.apps.Hook;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.exec.JobExecutor;
import dev.jobkit.server.exec.JobExecutor.AttemptEnd;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.jobs.AppSteps;
import dev.jobkit.server.store.AppStore;
import dev.jobkit.server.store.JobStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;

/**
 * The app steps of a job: its definition's hooks and transfers, and how one hook runs — through the
 * executor, as one process in pod 0's work dir with the pods' environment and account, its output
 * in pod 0's log between two {@code [jobkit]} lines, ended with its process tree at its timeout.
 * Called from the launcher and reaper threads, which block while a hook runs; never the
 * dispatcher's.
 */
@Component
class AppPhases {

  /** How a hook ended: {@code failure} is null when it exited 0; {@code stopped} by a stop. */
  record HookEnd(String failure, boolean stopped) {
    boolean succeeded() {
      return failure == null && !stopped;
    }
  }

  /** Thrown when the job's app version cannot be read. */
  static final class MissingAppException extends RuntimeException {
    MissingAppException(String message) {
      super(message);
    }
  }

  private final AppStore apps;
  private final JobExecutor executor;
  private final JobFiles files;
  private final JobStore store;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jobkit-hook-timer"));

  AppPhases(AppStore apps, JobExecutor executor, JobFiles files, JobStore store) {
    this.store = store;
    this.apps = apps;
    this.executor = executor;
    this.files = files;
  }

  /** The steps of the job's app version ({@link AppSteps#NONE} for a job with no app). */
  AppSteps steps(Job job) {
    if (job.app() == null || job.appVersion() == null) {
      return AppSteps.NONE;
    }
    return apps.definition(job.app(), job.appVersion())
        .map(app -> AppSteps.of(app, job.parameters()))
        .orElseThrow(
            () ->
                new MissingAppException(
                    "app '" + job.app() + "' version " + job.appVersion() + " no longer exists"));
  }

  /**
   * Runs hook {@code name} of an attempt, which the job is in phase {@code at} for, and waits for
   * every process of it to be gone. A hook that cannot start is a failure with the reason. A stop
   * that came while it was starting found no process of it to end: once it is watched, a job that
   * left {@code at} meanwhile has it killed, so no hook outlives its job's end.
   */
  HookEnd run(Job job, int attempt, String token, String name, Hook hook, JobStatus at) {
    int seconds = AppSteps.seconds(hook);
    JobExecutor.StartedAttempt started;
    try {
      started =
          executor.start(
              new JobExecutor.Launch(
                  job.id(),
                  attempt,
                  job.maxAttempts(),
                  hook.command(),
                  null,
                  job.env(),
                  job.podCount(),
                  token,
                  name));
    } catch (RuntimeException e) {
      String why = name + " hook could not start: " + e.getMessage();
      files.note(job.id(), 0, why);
      return new HookEnd(why, false);
    }
    CompletableFuture<AttemptEnd> ended = new CompletableFuture<>();
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> timer =
        timers.schedule(
            () -> {
              timedOut.set(true);
              executor.terminate(job.id(), true);
            },
            seconds,
            TimeUnit.SECONDS);
    started.watch(ended::complete);
    if (movedOn(job.id(), at)) {
      executor.terminate(job.id(), true);
    }
    AttemptEnd end;
    try {
      end = ended.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      started.abandon();
      timer.cancel(false);
      return new HookEnd(name + " hook was interrupted by the service's shutdown", true);
    } catch (ExecutionException e) {
      timer.cancel(false);
      return new HookEnd(name + " hook was lost: " + e.getCause(), false);
    }
    timer.cancel(false);
    HookEnd result;
    if (timedOut.get()) {
      result = new HookEnd(name + " hook timed out after " + seconds + "s", false);
    } else if (end.terminated()) {
      result = new HookEnd(null, true);
    } else if (end.exitCode() != 0) {
      result = new HookEnd(name + " hook exited " + end.exitCode(), false);
    } else {
      result = new HookEnd(null, false);
    }
    files.note(
        job.id(),
        0,
        result.stopped()
            ? name + " hook stopped"
            : result.failure() == null ? name + " hook exited 0" : result.failure());
    return result;
  }

  /**
   * Whether the job has left {@code at} (stopped, deleted). Its attempt is not compared: before the
   * run the job still has the number of the attempt before, and no later attempt begins while this
   * one's hook runs.
   */
  boolean movedOn(String jobId, JobStatus at) {
    return store.findSummary(jobId).map(j -> j.status() != at).orElse(true);
  }
}
