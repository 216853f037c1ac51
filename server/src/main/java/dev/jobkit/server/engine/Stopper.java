package dev.jobkit.server.engine;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.exec.JobExecutor;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.ServiceMembers;
import dev.jobkit.server.store.Transition;
import dev.jobkit.server.store.WorkerStore;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Ends a job before it ends on its own: a stop (asked for by a user or a flush) and a timeout. Each
 * is a compare-and-swap from the status the caller saw, and only the one that lands terminates the
 * job's process tree; the attempt's end is then recorded as for any other ({@link AttemptSettler}).
 * A launched job of an external worker is only marked {@code CANCEL_REQUESTED}: its worker
 * terminates it and reports the end ({@link WorkerClaims}). So is one that another service on the
 * same database runs: that service sees the stop in the event feed and terminates it ({@link
 * ClusterEvents}).
 */
@Component
public class Stopper {

  private final JobStore store;
  private final JobLifecycle lifecycle;
  private final JobExecutor executor;
  private final WorkerStore workers;
  private final ServiceMembers members;

  Stopper(
      JobStore store,
      JobLifecycle lifecycle,
      JobExecutor executor,
      WorkerStore workers,
      ServiceMembers members) {
    this.members = members;
    this.workers = workers;
    this.store = store;
    this.lifecycle = lifecycle;
    this.executor = executor;
  }

  /**
   * Stops a job seen in {@code seen}, a status a stop is allowed in: at once if it has not been
   * launched, else through {@code CANCEL_REQUESTED} while its process tree is terminated ({@code
   * force}: killed without the grace period). A job already stopping is only killed, with {@code
   * force}. False if the job had moved on from {@code seen}: the caller decides again.
   */
  public boolean stop(String id, JobStatus seen, Actor actor, String why, boolean force) {
    // A job an external worker holds: its processes are the worker's, which finds the stop in its
    // next heartbeat and reports the end; until then (or until it expires) the job stays
    // CANCEL_REQUESTED.
    boolean external =
        seen.isInFlight() && (workers.workerOf(id).isPresent() || members.runsElsewhere(id));
    if (seen == JobStatus.CANCEL_REQUESTED) {
      if (force && !external) {
        executor.terminate(id, true);
      }
      return true;
    }
    if (external && seen.isLaunched()) {
      return lifecycle
          .move(Transition.of(id, seen, JobStatus.CANCEL_REQUESTED, actor, why))
          .isPresent();
    }
    if (!seen.isLaunched()) {
      boolean canceled =
          lifecycle
              .move(
                  Transition.of(id, seen, JobStatus.CANCELED, actor, why).finishedAt(Instant.now()))
              .isPresent();
      if (canceled && seen.isInFlight() && !external) {
        // An app's hook may run before the pods (preprocess) or after a failure (on_error,
        // on_timeout): it is killed with its process tree.
        executor.terminate(id, true);
      }
      return canceled;
    }
    Optional<Boolean> alive =
        moveAndTerminate(Transition.of(id, seen, JobStatus.CANCEL_REQUESTED, actor, why), force);
    if (alive.isEmpty()) {
      return false;
    }
    if (!alive.get()) {
      // Marked running, but no process of it is alive (the service restarted): nothing to wait
      // for.
      lifecycle.move(
          Transition.of(
                  id,
                  JobStatus.CANCEL_REQUESTED,
                  JobStatus.CANCELED,
                  actor,
                  why + "; its processes no longer existed")
              .finishedAt(Instant.now()));
    }
    return true;
  }

  /**
   * Ends attempt {@code attempt} of a job that ran longer than its {@code seconds}: {@code
   * RUN_TIMEOUT}, then its process tree is terminated. Nothing if the attempt ended meanwhile.
   */
  void timeOut(String jobId, int attempt, int seconds) {
    Job job = store.findSummary(jobId).orElse(null);
    if (job == null || job.status() != JobStatus.RUNNING || job.attempt() != attempt) {
      return;
    }
    String why = "timed out after " + seconds + " s";
    moveAndTerminate(
        Transition.of(jobId, JobStatus.RUNNING, JobStatus.RUN_TIMEOUT, Actor.SCHEDULER, why)
            .lastError(why),
        false);
  }

  /**
   * The compare-and-swap, and only if it lands, the kill: whether a process of the job was alive to
   * terminate; empty if the job had moved on.
   */
  private Optional<Boolean> moveAndTerminate(Transition transition, boolean force) {
    if (lifecycle.move(transition).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(executor.terminate(transition.jobId(), force));
  }
}
