package dev.jobkit.server.engine;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.Pod;
import dev.jobkit.sdk.jobs.PodStatus;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.exec.JobExecutor.AttemptEnd;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.EventFeed;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.JobStore.Candidate;
import dev.jobkit.server.store.StoredEvent;
import dev.jobkit.server.store.Transition;
import dev.jobkit.server.store.WorkerStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The engine's side of the worker protocol (docs/workers.md): claims for external workers, in the
 * dispatcher's order and within each owner's limit, and what their reports do to their jobs — the
 * same transitions, attempt records and retries as for the local executor's jobs ({@link
 * AttemptSettler}). Every move is a compare-and-swap from the status the caller saw: empty or false
 * when the job had moved on.
 *
 * <p>A job an external worker holds counts against its owner's limit with a {@link Capacity} lease
 * (without slots) from its claim until it leaves flight, whatever moves it (its worker, a stop, an
 * expiry): the lease is released by the event that takes it out ({@link #published}), whichever
 * service on the database wrote it.
 *
 * <p>A sweep ({@value #SWEEP_MILLIS} ms) expires the workers whose heartbeats stopped for {@code
 * jobkit.workers.claim-ttl}, puts back in the queue the claims not acknowledged (nor moved on)
 * within that TTL, and ends the launched jobs of external workers that ran past their timeout by
 * more than that TTL (the worker should have reported it).
 */
@Component
public class WorkerClaims implements EventFeed.Listener {

  private static final Logger log = LoggerFactory.getLogger(WorkerClaims.class);
  static final long SWEEP_MILLIS = 500;

  /** The phases a worker may enter itself, in their order. */
  public static final Set<JobStatus> PHASES =
      EnumSet.of(
          JobStatus.STAGED_IN,
          JobStatus.PREPROCESSED,
          JobStatus.RUNNING,
          JobStatus.RUN_DONE,
          JobStatus.POSTPROCESSED,
          JobStatus.STAGED_OUT);

  /** The kinds of failure a worker reports ({@code fail}). */
  public enum FailureKind {
    USER,
    VALIDATION,
    RESOURCE,
    TIMEOUT,
    SYSTEM;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A job claimed for a worker, with its attempt's number and token and where its logs stand. */
  public record Claimed(Job job, int attempt, String token, List<Long> logOffsets) {}

  private final JobStore store;
  private final WorkerStore workers;
  private final JobLifecycle lifecycle;
  private final Capacity capacity;
  private final DispatchQueue queue;
  private final JobTokens tokens;
  private final JobFiles files;
  private final AttemptSettler settler;
  private final WorkerSettings settings;
  private final Map<String, Capacity.Lease> leases = new ConcurrentHashMap<>();
  private ScheduledExecutorService sweeper;

  WorkerClaims(
      JobStore store,
      WorkerStore workers,
      JobLifecycle lifecycle,
      Capacity capacity,
      DispatchQueue queue,
      JobTokens tokens,
      JobFiles files,
      AttemptSettler settler,
      WorkerSettings settings) {
    this.store = store;
    this.workers = workers;
    this.lifecycle = lifecycle;
    this.capacity = capacity;
    this.queue = queue;
    this.tokens = tokens;
    this.files = files;
    this.settler = settler;
    this.settings = settings;
  }

  /** The actor of a worker's events: kind {@code worker}, named by the worker's id. */
  public static Actor actor(String workerId) {
    return new Actor(workerId, ActorKind.WORKER);
  }

  /**
   * Gives the live workers a TTL from now, takes the leases of the jobs they hold (a restart forgot
   * them), then starts the sweep.
   */
  void start() {
    // Nobody could send a heartbeat while the service was down: every live worker gets a TTL from
    // now to send its next one, rather than losing its claims at once.
    workers.extendLive(Instant.now().plus(settings.claimTtl()));
    for (WorkerStore.HeldJob held : workers.heldByWorkers()) {
      leases.computeIfAbsent(held.id(), id -> capacity.acquire(held.owner(), 0));
    }
    sweeper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jobkit-workers"));
    sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }

  // ---- claims

  /**
   * Claims up to {@code max} jobs for the worker, of {@code apps} if not empty: the next job of
   * each owner below its limit, the best by priority then age, one after the other, each with a
   * compare-and-swap (a job another claimer took first is passed over).
   */
  public List<Claimed> claim(String workerId, int max, Collection<String> apps) {
    List<Claimed> claimed = new ArrayList<>();
    Set<String> owners = workers.ownersWithClaimableJobs(apps);
    Map<String, Candidate> heads = new HashMap<>();
    Set<String> drained = new HashSet<>();
    // Each pass claims a job or learns something (an owner drained or full, a head taken by
    // another claimer); the bound only keeps a claim call from running on under heavy contention.
    for (int pass = 0; pass < 4 * max + 2 * owners.size() + 10 && claimed.size() < max; pass++) {
      Candidate best = null;
      for (String owner : owners) {
        if (drained.contains(owner) || !capacity.ownerHasRoom(owner)) {
          continue;
        }
        Candidate head = heads.get(owner);
        if (head == null) {
          Optional<Candidate> next = workers.nextClaimable(owner, apps);
          if (next.isEmpty()) {
            drained.add(owner);
            continue;
          }
          head = next.get();
          heads.put(owner, head);
        }
        if (best == null || Candidate.QUEUE_ORDER.compare(head, best) < 0) {
          best = head;
        }
      }
      if (best == null) {
        break;
      }
      heads.remove(best.owner()); // looked up again: claimed now, or taken by someone else
      claimOne(workerId, best.id()).ifPresent(claimed::add);
    }
    return claimed;
  }

  private Optional<Claimed> claimOne(String workerId, String jobId) {
    Job job = store.findSummary(jobId).orElse(null);
    if (job == null || !job.status().isClaimable()) {
      return Optional.empty();
    }
    Capacity.Lease lease = capacity.tryAcquire(job.owner(), 0);
    if (lease == null) {
      return Optional.empty();
    }
    // Kept before the claim: whatever takes the job out of flight right after it releases it.
    Capacity.Lease before = leases.put(jobId, lease);
    if (before != null) {
      release(before);
    }
    boolean claimed = false;
    try {
      files.prepareForWorker(jobId, job.podCount());
      List<Long> logStarts = new ArrayList<>(job.podCount());
      for (int pod = 0; pod < job.podCount(); pod++) {
        logStarts.add(files.logSize(jobId, pod));
      }
      int attempt = job.attempt() + 1;
      claimed =
          lifecycle
              .move(
                  Transition.of(
                          jobId,
                          job.status(),
                          JobStatus.CLAIMED,
                          actor(workerId),
                          "claimed by worker " + workerId)
                      .workerId(workerId)
                      .serviceId(null)
                      .ownerLimit(capacity.limitOf(job.owner()))
                      .also(tx -> tx.logStarts(jobId, attempt, logStarts)))
              .isPresent();
      if (!claimed) {
        return Optional.empty();
      }
      String token = tokens.issue(jobId, attempt);
      return Optional.of(new Claimed(job, attempt, token, logStarts));
    } catch (RuntimeException e) {
      if (claimed) {
        // Claimed, but the worker cannot be given it: back to the queue.
        lifecycle.move(
            Transition.of(
                jobId,
                JobStatus.CLAIMED,
                JobStatus.QUEUED,
                Actor.SCHEDULER,
                "claim released: the service could not hand the job to worker " + workerId));
      }
      throw e;
    } finally {
      if (!claimed && leases.remove(jobId, lease)) {
        release(lease);
      }
    }
  }

  /** The number of the attempt a job a worker holds is at (or about to start, once claimed). */
  public static int attemptOf(Job job) {
    return job.status() == JobStatus.CLAIMED ? job.attempt() + 1 : job.attempt();
  }

  // ---- reports

  /** Records that the worker has its claimed job; false if the job is no longer claimed. */
  public boolean acknowledge(String workerId, Job job) {
    return store
        .note(
            job.id(),
            JobStatus.CLAIMED,
            EventKind.ACKNOWLEDGED,
            actor(workerId),
            "worker " + workerId + " has the job and will run it")
        .isPresent();
  }

  /**
   * Moves the job into a phase the worker entered ({@link #PHASES}); {@code RUNNING} records the
   * attempt and its pods, with their pids on the worker's machine. False if the job had moved on.
   */
  public boolean enter(String workerId, Job job, JobStatus to, String reason, List<Long> pids) {
    int attempt = attemptOf(job);
    Transition t =
        to == JobStatus.RUNNING
            ? Dispatcher.toRunning(
                job, attempt, job.status(), actor(workerId), reason, pids, Instant.now())
            : Transition.of(job.id(), job.status(), to, actor(workerId), reason).attempt(attempt);
    return lifecycle.move(t).isPresent();
  }

  /**
   * The attempt's pods exited with these codes (by pod index). From {@code RUNNING}: recorded as
   * the local executor's ends are ({@link AttemptSettler#record}): {@code SUCCEEDED} when all are
   * 0, else {@code RUN_ERROR} and a retry while attempts remain; a stop asked for ends it {@code
   * CANCELED}. From a phase after the run, the same. False if the job had moved on.
   */
  public boolean complete(String workerId, Job job, List<Integer> exitCodes) {
    int attempt = job.attempt();
    int failedPod = -1;
    for (int pod = 0; pod < exitCodes.size(); pod++) {
      if (exitCodes.get(pod) != 0) {
        failedPod = pod;
        break;
      }
    }
    AttemptEnd end = new AttemptEnd(job.id(), attempt, exitCodes, failedPod, false);
    boolean applied;
    switch (job.status()) {
      case RUNNING, CANCEL_REQUESTED, RUN_TIMEOUT -> {
        settler.record(end, null, actor(workerId));
        applied = store.findSummary(job.id()).map(j -> j.status() != job.status()).orElse(true);
      }
      case RUN_DONE, POSTPROCESSED, STAGED_OUT -> {
        Instant now = Instant.now();
        if (failedPod < 0) {
          long[] outputs = files.outputTotals(job.id());
          applied =
              lifecycle
                  .move(
                      Transition.of(
                              job.id(), job.status(), JobStatus.SUCCEEDED, actor(workerId), null)
                          .finishedAt(now)
                          .exitCode(0)
                          .outputs(outputs[0], outputs[1])
                          .also(
                              tx ->
                                  tx.finishAttempt(
                                      job.id(), attempt, JobStatus.SUCCEEDED, 0, null, now)))
                  .isPresent();
        } else {
          String error = "pod " + failedPod + " exited with code " + end.exitCode();
          applied =
              settler.fail(
                  Transition.of(job.id(), job.status(), JobStatus.RUN_ERROR, actor(workerId), error)
                      .lastError(error)
                      .exitCode(end.exitCode())
                      .also(
                          tx ->
                              tx.finishAttempt(
                                  job.id(),
                                  attempt,
                                  JobStatus.RUN_ERROR,
                                  end.exitCode(),
                                  error,
                                  now)),
                  attempt,
                  job.maxAttempts(),
                  error);
        }
      }
      default -> applied = false;
    }
    if (applied) {
      revoke(job.id(), attempt);
    }
    return applied;
  }

  /**
   * The attempt failed for the reason {@code kind} names: {@code RUN_ERROR} (or {@code RUN_TIMEOUT}
   * for {@code timeout}, where the lifecycle allows it), then a retry while attempts remain; {@code
   * validation} fails the job at once. A job a stop was asked for ends {@code CANCELED}. False if
   * the job had moved on.
   */
  public boolean fail(
      String workerId,
      Job job,
      FailureKind kind,
      String message,
      String details,
      Integer exitCode) {
    String error = kind.wireName() + ": " + message;
    String reason = details == null ? error : error + "; details: " + details;
    int attempt = attemptOf(job);
    Instant now = Instant.now();
    boolean applied;
    if (job.status() == JobStatus.CANCEL_REQUESTED) {
      applied =
          lifecycle
              .move(
                  Transition.of(
                          job.id(),
                          JobStatus.CANCEL_REQUESTED,
                          JobStatus.CANCELED,
                          actor(workerId),
                          "stopped; the worker reported the end (" + error + ")")
                      .finishedAt(now)
                      .also(tx -> closeAttempt(tx, job, JobStatus.CANCELED, exitCode, null, now)))
              .isPresent();
    } else {
      JobStatus into =
          kind == FailureKind.TIMEOUT && job.status().canTransitionTo(JobStatus.RUN_TIMEOUT)
              ? JobStatus.RUN_TIMEOUT
              : JobStatus.RUN_ERROR;
      Transition t =
          Transition.of(job.id(), job.status(), into, actor(workerId), reason)
              .attempt(attempt)
              .lastError(error)
              .also(
                  tx -> {
                    if (!job.status().isLaunched()) {
                      // Failed before its pods ran: the attempt is recorded as the dispatcher
                      // records one that could not start.
                      tx.startAttempt(job.id(), attempt, now, 0);
                    }
                    closeAttempt(tx, job, into, exitCode, error, now);
                  });
      if (exitCode != null) {
        t.exitCode(exitCode);
      }
      // A job that cannot run as submitted fails at once: a retry would fail the same way.
      int max = kind == FailureKind.VALIDATION ? attempt : job.maxAttempts();
      applied = settler.fail(t, attempt, max, error);
    }
    if (applied) {
      revoke(job.id(), attempt);
    }
    return applied;
  }

  /**
   * What the worker must stop: its jobs a stop was asked for, the jobs it reports that it no longer
   * holds (ended, requeued, or claimed by another), and its jobs canceled since {@code since} (a
   * job stopped before it ran ends at once).
   */
  public List<String> toCancel(String workerId, Collection<String> reported, Instant since) {
    Set<String> cancel =
        new java.util.LinkedHashSet<>(
            workers.jobsOf(workerId, EnumSet.of(JobStatus.CANCEL_REQUESTED)));
    cancel.addAll(workers.canceledSince(workerId, since));
    if (!reported.isEmpty()) {
      Set<String> held =
          new HashSet<>(
              workers.jobsOf(
                  workerId,
                  Recovery.IN_FLIGHT.stream()
                      .filter(s -> s != JobStatus.CANCEL_REQUESTED)
                      .toList()));
      for (String id : reported) {
        if (!held.contains(id)) {
          cancel.add(id);
        }
      }
    }
    return List.copyOf(cancel);
  }

  // ---- expiry

  /** Ends a worker that deregistered: its claims are released as if they had expired. */
  public void deregister(String workerId) {
    if (workers.end(workerId, Instant.now(), "deregistered")) {
      release(workerId, "worker " + workerId + " deregistered");
    }
  }

  /** Ends a worker whose claims expired (once, whoever notices first) and releases its claims. */
  public void expire(String workerId) {
    String ttl = describe(settings.claimTtl());
    if (workers.endIfExpired(workerId, Instant.now(), "expired: no heartbeat for " + ttl)) {
      log.warn("worker {} sent no heartbeat for {}; its claims are released", workerId, ttl);
      release(workerId, "worker " + workerId + " sent no heartbeat for " + ttl);
    }
  }

  private void sweep() {
    try {
      Instant now = Instant.now();
      for (String id : workers.expired(now)) {
        expire(id);
      }
      releaseOrphans();
      releaseUnacknowledged(now);
      timeOutOverdue(now);
    } catch (RuntimeException e) {
      log.error("the workers' sweep failed; trying again at the next one", e);
    }
  }

  /**
   * Releases a worker's jobs: a claim not yet launched goes back to the queue; a launched attempt
   * is lost ({@code RUN_TIMEOUT}, then retried or failed); a job a stop was asked for ends {@code
   * CANCELED}.
   */
  private void release(String workerId, String why) {
    for (String id : workers.jobsOf(workerId, Recovery.IN_FLIGHT)) {
      try {
        Job job = store.find(id).orElse(null);
        if (job == null || !job.status().isInFlight()) {
          continue;
        }
        releaseJob(job, why);
        revoke(id, attemptOf(job));
      } catch (RuntimeException e) {
        log.error("could not release job {} of worker {}", id, workerId, e);
      }
    }
  }

  /**
   * Releases the jobs still held by workers that have ended: a claim or a report that passed its
   * worker's check just before the worker ended, and landed after its jobs were released.
   */
  private void releaseOrphans() {
    for (WorkerStore.Orphan orphan : workers.orphans()) {
      try {
        Job job = store.find(orphan.jobId()).orElse(null);
        if (job == null || !job.status().isInFlight()) {
          continue;
        }
        String ended = orphan.why() == null ? "ended" : orphan.why();
        releaseJob(job, "worker " + orphan.workerId() + " has ended (" + ended + ")");
        revoke(job.id(), attemptOf(job));
      } catch (RuntimeException e) {
        log.error(
            "could not release job {} of ended worker {}", orphan.jobId(), orphan.workerId(), e);
      }
    }
  }

  /**
   * Puts back in the queue the claims a worker did not acknowledge within the claim TTL (its claim
   * answer was lost, say): a live worker would otherwise hold them for ever.
   */
  private void releaseUnacknowledged(Instant now) {
    String ttl = describe(settings.claimTtl());
    for (WorkerStore.Unacknowledged claim :
        workers.unacknowledged(now.minus(settings.claimTtl()))) {
      Job job = store.findSummary(claim.jobId()).orElse(null);
      if (job == null || job.status() != JobStatus.CLAIMED) {
        continue;
      }
      if (lifecycle
          .move(
              Transition.of(
                  job.id(),
                  JobStatus.CLAIMED,
                  JobStatus.QUEUED,
                  Actor.SCHEDULER,
                  "claim released: worker "
                      + claim.workerId()
                      + " did not acknowledge it within "
                      + ttl))
          .isPresent()) {
        revoke(job.id(), job.attempt() + 1);
      }
    }
  }

  private void releaseJob(Job job, String why) {
    Instant now = Instant.now();
    String lost = "lost: " + why;
    switch (job.status()) {
      case CLAIMED ->
          lifecycle.move(
              Transition.of(
                  job.id(),
                  JobStatus.CLAIMED,
                  JobStatus.QUEUED,
                  Actor.SCHEDULER,
                  "claim released: " + why));
      case CANCEL_REQUESTED ->
          lifecycle.move(
              Transition.of(
                      job.id(),
                      JobStatus.CANCEL_REQUESTED,
                      JobStatus.CANCELED,
                      Actor.SCHEDULER,
                      "stopped; " + why)
                  .finishedAt(now)
                  .also(tx -> closeAttempt(tx, job, JobStatus.CANCELED, null, null, now)));
      case RUN_ERROR, RUN_TIMEOUT ->
          settler.retryOrFail(
              job.id(),
              job.status(),
              job.attempt(),
              job.maxAttempts(),
              job.lastError() != null ? job.lastError() : lost,
              tx -> {});
      default -> {
        JobStatus into =
            job.status().canTransitionTo(JobStatus.RUN_TIMEOUT)
                ? JobStatus.RUN_TIMEOUT
                : JobStatus.RUN_ERROR;
        int attempt = attemptOf(job);
        settler.fail(
            Transition.of(job.id(), job.status(), into, Actor.SCHEDULER, lost)
                .attempt(attempt)
                .lastError(lost)
                .also(
                    tx -> {
                      if (!job.status().isLaunched()) {
                        tx.startAttempt(job.id(), attempt, now, 0);
                      }
                      closeAttempt(tx, job, into, null, lost, now);
                    }),
            attempt,
            job.maxAttempts(),
            lost);
      }
    }
  }

  /**
   * The service's backstop for timeouts: a launched attempt of an external worker that ran past its
   * job's {@code timeout_seconds} by more than the claim TTL (its worker should have reported
   * {@code timeout} by then) goes to {@code RUN_TIMEOUT}, then retries or fails.
   */
  private void timeOutOverdue(Instant now) {
    for (WorkerStore.TimedJob timed : workers.launchedWithTimeout()) {
      Instant due =
          timed.attemptStartedAt().plusSeconds(timed.timeoutSeconds()).plus(settings.claimTtl());
      if (now.isBefore(due)) {
        continue;
      }
      Job job = store.find(timed.id()).orElse(null);
      if (job == null
          || job.attempt() != timed.attempt()
          || !job.status().canTransitionTo(JobStatus.RUN_TIMEOUT)
          || !job.status().isLaunched()) {
        continue;
      }
      String why =
          "timed out after "
              + timed.timeoutSeconds()
              + " s (the worker did not report it within "
              + describe(settings.claimTtl())
              + ")";
      settler.fail(
          Transition.of(job.id(), job.status(), JobStatus.RUN_TIMEOUT, Actor.SCHEDULER, why)
              .lastError(why)
              .also(tx -> closeAttempt(tx, job, JobStatus.RUN_TIMEOUT, null, why, now)),
          job.attempt(),
          job.maxAttempts(),
          why);
      revoke(job.id(), job.attempt());
    }
  }

  /** Closes the attempt's pods and record (pods still running are {@code KILLED}). */
  private static void closeAttempt(
      JobStore.Tx tx, Job job, JobStatus outcome, Integer exitCode, String error, Instant at) {
    for (Pod pod : job.pods()) {
      if (pod.status() == PodStatus.RUNNING) {
        tx.podFinished(job.id(), pod.index(), PodStatus.KILLED, null, null, at);
      }
    }
    int attempt = attemptOf(job);
    if (attempt > 0) {
      tx.finishAttempt(job.id(), attempt, outcome, exitCode, error, at);
    }
  }

  static String describe(Duration ttl) {
    return ttl.toMillis() % 1000 == 0 ? ttl.toSeconds() + "s" : ttl.toMillis() + "ms";
  }

  // ---- leases

  /**
   * Releases the lease of an external worker's job once a committed transition takes it out of
   * flight. Called under the store's write lock: a map lookup for each transition, nothing more
   * while no external job is in flight.
   */
  @Override
  public void published(List<StoredEvent> events) {
    if (leases.isEmpty()) {
      return;
    }
    for (StoredEvent stored : events) {
      JobEvent e = stored.event();
      if (e.isTransition() && !e.toStatus().isInFlight()) {
        Capacity.Lease lease = leases.remove(e.jobId());
        if (lease != null) {
          release(lease);
        }
      }
    }
  }

  private void release(Capacity.Lease lease) {
    if (capacity.release(lease)) {
      queue.wake();
    }
  }

  private void revoke(String jobId, int attempt) {
    try {
      tokens.revoke(jobId, attempt);
    } catch (RuntimeException e) {
      // The token still dies with the job: authentication refuses the token of an ended job.
      log.error("could not revoke the token of job {} attempt {}", jobId, attempt, e);
    }
  }
}
