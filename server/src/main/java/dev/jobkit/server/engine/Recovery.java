package dev.jobkit.server.engine;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.Pod;
import dev.jobkit.sdk.jobs.PodStatus;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.exec.JobExecutor;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.ServiceMembers;
import dev.jobkit.server.store.Transition;
import dev.jobkit.server.store.WorkerStore;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs once when the service starts, before it serves a request: jobs that a previous run left
 * claimed or running have no process this run knows of. Their leftover processes are killed; a
 * claim that never launched goes back to the queue; a launched attempt is lost, so the job is
 * retried if attempts remain, else {@code FAILED} with reason {@code lost}; a stop that was in
 * progress ends {@code CANCELED}. Waiting children of parents that ended meanwhile are settled.
 * Every job token of the previous run is revoked. A running attempt whose pods outlived the service
 * (Slurm jobs) is not lost: the executor {@link JobExecutor#adopt adopts} it, the dispatcher
 * follows it to its end, and its token stays. A lost attempt is retried or failed by the same rule
 * as one the dispatcher saw end ({@link AttemptSettler}).
 *
 * <p>Jobs held by external workers are left alone, here and in the sweep: their pods are not this
 * service's, and their claims' expiry ({@link WorkerClaims}) ends or requeues them. So are the jobs
 * of the other services alive on the same database ({@link ServiceMembers}); a service found dead
 * (its row not renewed within {@code jobkit.datasource.lease-ttl}, or its process gone from this
 * host) has its row ended by the first service to notice, which recovers its jobs like its own of a
 * previous run. On the embedded H2 database every other row is a previous run's.
 *
 * <p>While the service runs, {@link #sweep} does the same every few seconds for jobs in flight that
 * no thread of the dispatcher follows any more (their processes ended but the end could not be
 * recorded, or their launch broke off): nothing else would ever end them.
 */
@Component
class Recovery {

  private static final Logger log = LoggerFactory.getLogger(Recovery.class);
  // The jobs a worker of the previous run held; the lifecycle table says which states those are.
  static final Set<JobStatus> IN_FLIGHT =
      Arrays.stream(JobStatus.values())
          .filter(JobStatus::isInFlight)
          .collect(Collectors.toCollection(() -> EnumSet.noneOf(JobStatus.class)));

  private final JobStore store;
  private final JobLifecycle lifecycle;
  private final Dispatcher dispatcher;
  private final JobExecutor executor;
  private final JobTokens tokens;
  private final AttemptSettler settler;
  private final WorkerStore workers;
  private final ServiceMembers members;
  private final JobFiles files;

  Recovery(
      JobStore store,
      JobLifecycle lifecycle,
      Dispatcher dispatcher,
      JobExecutor executor,
      JobTokens tokens,
      AttemptSettler settler,
      WorkerStore workers,
      ServiceMembers members,
      JobFiles files) {
    this.files = files;
    this.members = members;
    this.workers = workers;
    this.store = store;
    this.lifecycle = lifecycle;
    this.dispatcher = dispatcher;
    this.settler = settler;
    this.executor = executor;
    this.tokens = tokens;
  }

  void recover() {
    endDeadServices("at its start");
    // External workers' jobs run on without the service: their claims' expiry handles them. So do
    // the jobs of the other services alive on this database.
    List<String> inFlight = members.jobsOfNoLiveService(IN_FLIGHT);
    Set<String> adopted = adoptRunning(inFlight);
    // No other pod of a dead service survives it, so none of their tokens may work.
    tokens.revokeOfEndedServices();
    for (String id : inFlight) {
      if (adopted.contains(id)) {
        continue;
      }
      store.find(id).ifPresent(job -> recoverDead(job, "the service restarted"));
    }
    for (String id : store.idsInStatus(EnumSet.of(JobStatus.AWAITING_PARENTS))) {
      store.findSummary(id).ifPresent(lifecycle::settleWaiting);
    }
    if (!inFlight.isEmpty()) {
      log.info("recovered {} job(s) left in flight by the previous run", inFlight.size());
    }
  }

  /**
   * The running jobs whose pods outlived the previous run (an executor whose pods are not the
   * service's processes: Slurm jobs) and that the executor and the dispatcher follow again, to
   * their end, instead of losing them.
   */
  private Set<String> adoptRunning(List<String> inFlight) {
    Set<String> adopted = new HashSet<>();
    for (String id : inFlight) {
      Job job = store.find(id).orElse(null);
      if (job == null || job.status() != JobStatus.RUNNING) {
        continue;
      }
      List<Long> pids =
          job.pods().stream().sorted(Comparator.comparingInt(Pod::index)).map(Pod::pid).toList();
      try {
        if (!pids.contains(null)) {
          executor
              .adopt(id, job.attempt(), pids)
              .ifPresent(
                  started -> {
                    members.takeOver(id);
                    dispatcher.adopt(job, started);
                    adopted.add(id);
                  });
        }
      } catch (RuntimeException e) {
        log.error("could not follow job {} again; it is lost", id, e);
      }
    }
    if (!adopted.isEmpty()) {
      log.info("following {} job(s) again whose pods outlived the previous run", adopted.size());
    }
    return adopted;
  }

  /**
   * Ends or requeues the jobs in flight that the dispatcher does not follow: read from the store,
   * then checked against the dispatcher, then moved from the status read (a job that ends normally
   * meanwhile has left it, so the move does not apply).
   */
  void sweep() {
    if (!endDeadServices("while it ran").isEmpty()) {
      tokens.revokeOfEndedServices();
    }
    // This service's jobs, a dead service's, and none's; never an external worker's.
    List<String> inFlight = members.jobsOfNoLiveService(IN_FLIGHT);
    for (String id : inFlight) {
      if (dispatcher.follows(id)) {
        continue;
      }
      Job job = store.find(id).orElse(null);
      // Read again after the check: a job claimed or launched since the list is followed now, and
      // one claimed by an external worker or another service since is theirs.
      if (job == null
          || !IN_FLIGHT.contains(job.status())
          || dispatcher.follows(id)
          || workers.workerOf(id).isPresent()
          || heldByLiveService(id)) {
        continue;
      }
      try {
        if (members.serviceOf(id).filter(members.self()::equals).isPresent()) {
          log.warn(
              "job {} is {} but no process of it is followed any more; ending it as lost",
              id,
              job.status());
          recover(
              job,
              "lost: attempt "
                  + job.attempt()
                  + " has no process the service follows (its end could not be recorded)",
              "claim released: the launch broke off before the job ran",
              "stopped; its processes are gone (their end could not be recorded)",
              "lost: the launch of attempt " + (job.attempt() + 1) + " broke off");
        } else {
          recoverDead(job, "the service that ran it stopped or died");
        }
      } catch (RuntimeException e) {
        // The next sweep tries again; one job that cannot be written must not hold up the rest.
        log.error("could not end lost job {}; trying again at the next check", id, e);
      }
    }
  }

  /**
   * Ends the rows of the services found dead and logs each; returns them. Their jobs are recovered
   * by the caller, with the jobs of no live service.
   */
  private List<ServiceMembers.Member> endDeadServices(String when) {
    List<ServiceMembers.Member> dead =
        members.endDead(
            "found dead by service " + members.self() + " " + when + ": not renewed in time");
    for (ServiceMembers.Member m : dead) {
      if (members.shared()) {
        log.warn(
            "service {} (pid {}, host {}) is dead: its jobs are recovered here",
            m.id(),
            m.pid(),
            m.host());
      }
    }
    return dead;
  }

  /**
   * Recovers a job whose service is gone, saying what happened: {@code gone} on one service ("the
   * service restarted"), where services share the database the service by its id.
   */
  private void recoverDead(Job job, String gone) {
    String what =
        members.shared()
            ? members
                .serviceOf(job.id())
                .map(s -> "service " + s + " stopped or died")
                .orElse("the service that ran it stopped or died")
            : gone;
    recover(
        job,
        "lost: " + what + " while attempt " + job.attempt() + " ran",
        "claim released: " + what + " before the job was launched",
        "stopped; " + what + " and the job's processes are gone",
        "lost: " + what + " while attempt " + (job.attempt() + 1) + " was starting");
  }

  /** Whether another service that is alive claimed the job (since this sweep listed it). */
  private boolean heldByLiveService(String jobId) {
    return members
        .serviceOf(jobId)
        .filter(s -> !s.equals(members.self()))
        .map(s -> members.liveOthers().contains(s))
        .orElse(false);
  }

  /**
   * Ends or requeues a job in flight whose processes nobody follows. A claim goes back to the queue
   * unless its launch had begun ({@link #launchBegan}): then a process of the attempt may have run,
   * so the attempt counts, lost ({@code launchLost}), and is retried while attempts remain — never
   * run again as the same attempt.
   */
  private void recover(
      Job job, String lost, String claimReleased, String stopped, String launchLost) {
    List<Long> pids = job.pods().stream().map(Pod::pid).filter(p -> p != null).toList();
    executor.reclaim(job.id(), pids);
    Instant now = Instant.now();
    switch (job.status()) {
      case CLAIMED -> {
        int attempt = job.attempt() + 1;
        if (launchBegan(job, attempt)) {
          JobStatus outcome = lostOutcome(JobStatus.CLAIMED);
          settler.fail(
              Transition.of(job.id(), JobStatus.CLAIMED, outcome, Actor.RECOVERY, launchLost)
                  .attempt(attempt)
                  .lastError(launchLost)
                  .also(
                      tx -> {
                        tx.startAttempt(job.id(), attempt, now, 0);
                        tx.finishAttempt(job.id(), attempt, outcome, null, launchLost, now);
                      }),
              attempt,
              job.maxAttempts(),
              launchLost);
        } else {
          lifecycle.move(
              Transition.of(
                  job.id(), JobStatus.CLAIMED, JobStatus.QUEUED, Actor.RECOVERY, claimReleased));
        }
      }
      case CANCEL_REQUESTED ->
          lifecycle.move(
              Transition.of(
                      job.id(),
                      JobStatus.CANCEL_REQUESTED,
                      JobStatus.CANCELED,
                      Actor.RECOVERY,
                      stopped)
                  .finishedAt(now)
                  .also(tx -> closeAttempt(tx, job, JobStatus.CANCELED, null, now)));
      case RUN_ERROR, RUN_TIMEOUT -> {
        String why = job.lastError() != null ? job.lastError() : lost;
        settler.retryOrFail(
            job.id(), job.status(), job.attempt(), job.maxAttempts(), why, tx -> {});
      }
      default -> {
        JobStatus outcome = lostOutcome(job.status());
        settler.fail(
            Transition.of(job.id(), job.status(), outcome, Actor.RECOVERY, lost)
                .lastError(lost)
                .also(tx -> closeAttempt(tx, job, outcome, lost, now)),
            job.attempt(),
            job.maxAttempts(),
            lost);
      }
    }
  }

  /**
   * Whether the launch of a claimed attempt had begun: a pod's log was opened (the executor opens
   * it just before it starts the pod's process; the first attempt's is created then), or, from the
   * second attempt on, grew past where the claim recorded it would start (every later attempt, and
   * every hook, starts with a line of the service's). The data dir is shared, so this reads a dead
   * service's files too.
   */
  private boolean launchBegan(Job job, int attempt) {
    for (int pod = 0; pod < job.podCount(); pod++) {
      if (!Files.exists(files.log(job.id(), pod))) {
        continue;
      }
      long start = store.logStarts(job.id(), pod).getOrDefault(attempt, 0L);
      if (attempt == 1 || files.logSize(job.id(), pod) > start) {
        return true;
      }
    }
    return false;
  }

  /**
   * How an attempt lost in {@code status} ends: a timeout of its worker while it ran; after the
   * postprocess hook, where the lifecycle has no timeout (nothing of the job's own code runs any
   * more), an error.
   */
  static JobStatus lostOutcome(JobStatus status) {
    return status.canTransitionTo(JobStatus.RUN_TIMEOUT)
        ? JobStatus.RUN_TIMEOUT
        : JobStatus.RUN_ERROR;
  }

  private static void closeAttempt(
      JobStore.Tx tx, Job job, JobStatus outcome, String error, Instant at) {
    for (Pod pod : job.pods()) {
      if (pod.status() == PodStatus.RUNNING) {
        tx.podFinished(job.id(), pod.index(), PodStatus.KILLED, null, null, at);
      }
    }
    if (job.attempt() > 0) {
      tx.finishAttempt(job.id(), job.attempt(), outcome, null, error, at);
    }
  }
}
