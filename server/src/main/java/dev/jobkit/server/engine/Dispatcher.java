package dev.jobkit.server.engine;

import dev.jobkit.sdk.jobs.Attempt;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.PodStatus;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.exec.JobExecutor;
import dev.jobkit.server.exec.JobExecutor.AttemptEnd;
import dev.jobkit.server.exec.JobExecutor.LaunchFailedException;
import dev.jobkit.server.exec.JobExecutor.StartedAttempt;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.exec.JobTransfers;
import dev.jobkit.server.exec.Niceness;
import dev.jobkit.server.jobs.AppSteps;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.JobStore.Candidate;
import dev.jobkit.server.store.ServiceMembers;
import dev.jobkit.server.store.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Claims and launches jobs, follows their attempts and has their ends recorded ({@link
 * AttemptSettler}); a timeout ends an attempt through the {@link Stopper}.
 *
 * <p>One thread dispatches. It wakes on every submission and every transition that frees a slot or
 * makes a job claimable (and at least every sweep interval), then, while slots are free, looks up
 * the next job of each owner that is below its limit — one indexed lookup per owner, whatever the
 * length of the queue — takes the best by priority then age, claims it with a compare-and-swap and
 * launches it. A success's end hands its slot over as soon as its write is queued, and the claim
 * that takes the slot shares its commit ({@link #handOver}). From before the claim until the end of
 * its attempt is recorded, a job is followed; the sweep hands the jobs in flight that nobody
 * follows to {@link Recovery}.
 *
 * <p>A job with nothing to do before its pods is claimed and recorded {@code RUNNING} in one
 * commit, before its processes start, once the executor has {@link JobExecutor#reserve reserved}
 * the launch (a stop meanwhile then ends the pods as they start); their pids follow in a commit
 * that need not be durable. Other jobs, and executors that cannot reserve, are claimed, then moved
 * on as each step before the pods is done, and recorded {@code RUNNING} once the pods run.
 *
 * <p>Claiming, launching and following an attempt to its end stay together here: they share the
 * lease and the follow count, which must change together for the slots and the check for lost jobs
 * to stay exact.
 */
@Component
public class Dispatcher {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final JobStore store;
  private final JobLifecycle lifecycle;
  private final JobExecutor executor;
  private final Capacity capacity;
  private final DispatchQueue queue;
  private final JobTokens tokens;
  private final JobFiles files;
  private final AttemptSettler settler;
  private final Stopper stopper;
  private final AppPhases phases;
  private final JobTransfers transfers;
  private final ServiceMembers members;
  private final long sweepMillis;
  private final boolean local;
  private final ScheduledExecutorService timeouts;
  private final Map<String, ScheduledFuture<?>> timeoutTimers = new ConcurrentHashMap<>();
  // Jobs a thread of this dispatcher is responsible for, from the claim until the end of the
  // attempt is recorded, counted: a retry is claimed while the attempt before it is still being
  // recorded. A job in flight that is not here has nobody to record its end.
  private final Map<String, Integer> followed = new ConcurrentHashMap<>();
  private Runnable lostJobCheck = () -> {};
  private long lastLostJobCheck;
  private final AtomicLong lostJobChecks = new AtomicLong();
  private final ExecutorService launchers;
  private final PidWrites pidWrites;
  private volatile boolean running;
  private Thread thread;
  private final int lifecycleNiceness;

  Dispatcher(
      JobStore store,
      JobLifecycle lifecycle,
      JobExecutor executor,
      Capacity capacity,
      DispatchQueue queue,
      JobTokens tokens,
      JobFiles files,
      AttemptSettler settler,
      Stopper stopper,
      AppPhases phases,
      JobTransfers transfers,
      JobkitProperties properties,
      WorkerSettings workers,
      ServiceMembers members) {
    this.members = members;
    this.local = workers.local();
    this.phases = phases;
    this.transfers = transfers;
    this.store = store;
    this.lifecycle = lifecycle;
    this.executor = executor;
    this.capacity = capacity;
    this.queue = queue;
    this.tokens = tokens;
    this.files = files;
    this.settler = settler;
    this.stopper = stopper;
    this.sweepMillis = Math.min(1000, properties.scheduling().sweepInterval().toMillis());
    this.lifecycleNiceness = properties.executor().lifecycleNiceness();
    this.launchers =
        Executors.newFixedThreadPool(
            executor.slots(), Niceness.daemonThreads("jobkit-launcher", lifecycleNiceness));
    this.timeouts =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jobkit-timeouts"));
    this.pidWrites = new PidWrites(store);
  }

  /**
   * Starts dispatching; the owners with claimable jobs are read once from the store. {@code
   * lostJobCheck} runs in the sweep every {@link #LOST_JOB_CHECK_MILLIS}.
   */
  void start(Runnable lostJobCheck) {
    this.lostJobCheck = lostJobCheck;
    this.lastLostJobCheck = System.nanoTime();
    queue.addAll(store.ownersWithClaimableJobs());
    running = true;
    // Above the service, as the launchers: a submit's wake-up of it does not take the submit's
    // core.
    thread = Niceness.daemonThreads("jobkit-dispatcher", lifecycleNiceness).newThread(this::loop);
    thread.start();
  }

  void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Claimed jobs not started yet stay CLAIMED: recovery puts them back in the queue.
    launchers.shutdownNow();
    try {
      launchers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timeouts.shutdownNow();
    pidWrites.stop();
  }

  private void loop() {
    while (running) {
      try {
        pass.lock();
        try {
          dispatch();
        } finally {
          pass.unlock();
        }
        passed();
        checkForLostJobs();
        queue.await(sweepMillis);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("dispatch pass failed; retrying at the next wake-up", e);
        try {
          Thread.sleep(sweepMillis);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** How often the sweep looks for jobs in flight that nobody follows any more. */
  static final long LOST_JOB_CHECK_MILLIS = 2000;

  private void checkForLostJobs() {
    long now = System.nanoTime();
    if (now - lastLostJobCheck >= TimeUnit.MILLISECONDS.toNanos(LOST_JOB_CHECK_MILLIS)) {
      lastLostJobCheck = now;
      lostJobCheck.run();
      lostJobChecks.incrementAndGet();
    }
  }

  /** How many checks for lost jobs have run since the start. */
  public long lostJobChecks() {
    return lostJobChecks.get();
  }

  /**
   * Whether a thread of this dispatcher is launching the job or waiting for the end of its attempt:
   * if not, and the job is in flight, nothing will ever record its end.
   */
  boolean follows(String jobId) {
    return followed.containsKey(jobId);
  }

  private void follow(String jobId) {
    followed.merge(jobId, 1, Integer::sum);
  }

  private void unfollow(String jobId) {
    followed.computeIfPresent(jobId, (id, count) -> count > 1 ? count - 1 : null);
  }

  /**
   * Claims and launches jobs while there is room; nothing when the local executor takes no jobs
   * ({@code jobkit.workers.local=false}).
   */
  void dispatch() {
    // Owners whose head this pass could not claim: another service claimed it first, or the owner
    // is at its limit with jobs of other services. Tried again at the next wake-up.
    Set<String> passed = new HashSet<>();
    while (running && local) {
      int free = capacity.freeSlots();
      if (free <= 0) {
        return;
      }
      Candidate best = null;
      for (String owner : queue.snapshot()) {
        if (passed.contains(owner) || !capacity.ownerHasRoom(owner)) {
          continue;
        }
        queue.remove(owner);
        Optional<Candidate> head = store.nextClaimable(owner);
        if (head.isPresent()) {
          queue.restore(owner);
          if (best == null || Candidate.QUEUE_ORDER.compare(head.get(), best) < 0) {
            best = head.get();
          }
        }
      }
      if (best == null || best.podCount() > free) {
        // Nothing to run, or the first in line needs more slots than are free: it waits for
        // them rather than being overtaken, so large jobs are not starved by small ones.
        return;
      }
      if (!launch(best)) {
        passed.add(best.owner());
      }
    }
  }

  /** Claims and launches the job; false if it could not be claimed. */
  private boolean launch(Candidate candidate) {
    Job job =
        candidate.job() != null ? candidate.job() : store.findSummary(candidate.id()).orElse(null);
    if (job == null || !job.status().isClaimable()) {
      return false;
    }
    follow(job.id()); // before the claim: a claimed job is always followed
    boolean handedOver = false;
    try {
      // Where this attempt's output will start in each pod's log, kept with the claim: the
      // attempt before it has ended and its logs are closed, and this one writes nothing (not even
      // its "attempt N of M started" line) before the claim is committed. So a reader that finds
      // no start for the next attempt knows the file holds nothing of it yet.
      List<Long> logStarts = new java.util.ArrayList<>(job.podCount());
      for (int pod = 0; pod < job.podCount(); pod++) {
        logStarts.add(files.logSize(job.id(), pod));
      }
      int attempt = job.attempt() + 1;
      // Taken before the claim, with the owner's limit checked in the same step: an external
      // worker may claim a job of the same owner meanwhile.
      Capacity.Lease lease = capacity.tryAcquire(job.owner(), job.podCount());
      if (lease == null) {
        return false;
      }
      // The attempt's token is stored with the claim: one commit for both.
      JobTokens.Minted token = tokens.mint(job.id(), attempt);
      Transition claim =
          Transition.of(job.id(), job.status(), JobStatus.CLAIMED, Actor.EXECUTOR, null)
              .workerId(null)
              .serviceId(members.self())
              .ownerLimit(capacity.limitOf(job.owner()))
              .also(tx -> tx.logStarts(job.id(), attempt, logStarts))
              .also(token.store());
      JobExecutor.Launch pods = podsOf(job, attempt, token.token());
      AppSteps steps = stepsIfKnown(job);
      boolean direct = steps != null && !steps.hasStepsBeforeRun() && executor.reserve(pods);
      boolean claimed = false;
      try {
        // A job with nothing before its pods, whose executor took the reservation, is claimed and
        // marked RUNNING in one commit, before its pods start: one durable commit fewer a job.
        claimed =
            direct
                ? lifecycle.moveThrough(
                    List.of(
                        claim,
                        toRunning(
                            job,
                            attempt,
                            JobStatus.CLAIMED,
                            Collections.nCopies(job.podCount(), null),
                            Instant.now())),
                    this::passed)
                : lifecycle.move(claim, this::passed).isPresent();
      } finally {
        if (!claimed) {
          // Stopped or changed since the lookup, claimed by another service, or its owner is at
          // its limit with jobs of other services (or the write failed).
          if (direct) {
            executor.unreserve(job.id());
          }
          release(lease);
        }
      }
      if (!claimed) {
        return false;
      }
      // The claim decided the order; spawning takes milliseconds, so it runs beside the next
      // claim.
      if (direct) {
        AppAttempt app = new AppAttempt(job, attempt, token.token(), steps);
        launchers.execute(() -> start(job, lease, () -> launchReserved(job, lease, pods, app)));
      } else {
        launchers.execute(() -> start(job, lease, () -> launchAttempt(job, lease, token.token())));
      }
      handedOver = true;
      return true;
    } finally {
      if (!handedOver) {
        unfollow(job.id());
      }
    }
  }

  /** The launch of attempt {@code attempt}'s pods. */
  private static JobExecutor.Launch podsOf(Job job, int attempt, String token) {
    return new JobExecutor.Launch(
        job.id(),
        attempt,
        job.maxAttempts(),
        job.command(),
        job.shell(),
        job.env(),
        job.podCount(),
        token);
  }

  /** The job's app steps, or null when they cannot be read (its launch fails it with why). */
  private AppSteps stepsIfKnown(Job job) {
    try {
      return phases.steps(job);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The move to {@code RUNNING} by this service's executor that starts attempt {@code attempt} with
   * its pods' {@code pids} (null: not known yet).
   */
  private static Transition toRunning(
      Job job, int attempt, JobStatus from, List<Long> pids, Instant now) {
    return toRunning(job, attempt, from, Actor.EXECUTOR, null, pids, now);
  }

  /**
   * The move to {@code RUNNING} that starts attempt {@code attempt} with its pods' {@code pids}
   * (null: not known yet), recording the job's first start.
   */
  static Transition toRunning(
      Job job,
      int attempt,
      JobStatus from,
      Actor actor,
      String reason,
      List<Long> pids,
      Instant now) {
    Transition toRunning =
        Transition.of(job.id(), from, JobStatus.RUNNING, actor, reason)
            .attempt(attempt)
            .also(
                tx -> {
                  tx.startAttempt(job.id(), attempt, now, pids.size());
                  for (int pod = 0; pod < pids.size(); pod++) {
                    tx.podStarted(job.id(), pod, pids.get(pod), now);
                  }
                });
    if (job.startedAt() == null) {
      toRunning.startedAt(now);
    }
    return toRunning;
  }

  /**
   * Starts the pods of a job that its claim recorded {@code RUNNING} (the executor reserved the
   * launch, so a stop meanwhile ends them as they start), watches them and has their pids written;
   * a failure to start is the attempt's error. True once the watcher holds the lease.
   */
  private boolean launchReserved(
      Job job, Capacity.Lease lease, JobExecutor.Launch launch, AppAttempt app) {
    StartedAttempt started;
    try {
      started = executor.start(launch);
    } catch (RuntimeException e) {
      failBeforeRun(job, launch.attempt(), JobStatus.RUNNING, e, app);
      return false;
    }
    if (job.timeoutSeconds() != null) {
      startTimeout(job, launch.attempt(), TimeUnit.SECONDS.toMillis(job.timeoutSeconds()));
    }
    // Before the watch, so that the end, which records the pids itself, comes after.
    pidWrites.started(new JobStore.StartedPids(job.id(), launch.attempt(), started.pids()));
    started.watch(end -> attemptEnded(end, lease, app));
    return true;
  }

  /**
   * Starts a claimed job's pods through {@code launch}, which is true once they run and the
   * attempt's watcher holds the lease; any failure is the attempt's error. Until then, and whatever
   * goes wrong, the lease is released here, so no failure can leak a slot.
   */
  private void start(Job job, Capacity.Lease lease, java.util.function.BooleanSupplier launch) {
    boolean watched = false;
    try {
      watched = launch.getAsBoolean();
    } catch (RuntimeException e) {
      log.error("starting job {} failed; its slot is freed", job.id(), e);
    } finally {
      if (!watched) {
        release(lease);
        unfollow(job.id());
      }
    }
  }

  /** True once the attempt's pods run and its watcher holds the lease. */
  private boolean launchAttempt(Job job, Capacity.Lease lease, String token) {
    int attempt = job.attempt() + 1;
    AppSteps steps;
    try {
      steps = phases.steps(job);
    } catch (RuntimeException e) {
      failBeforeRun(job, attempt, JobStatus.CLAIMED, e, null);
      return false;
    }
    AppAttempt app = new AppAttempt(job, attempt, token, steps);
    // The steps before the run: each phase entered once its step is done, skipped without one.
    JobStatus at = JobStatus.CLAIMED;
    if (!steps.stageIn().isEmpty()) {
      try {
        transfers.stageIn(job.id(), job.podCount(), steps.stageIn());
      } catch (JobTransfers.TransferFailedException e) {
        failBeforeRun(job, attempt, at, new LaunchFailedException(e.getMessage()), app);
        return false;
      } catch (RuntimeException e) {
        failBeforeRun(job, attempt, at, e, app);
        return false;
      }
      if (!moveBeforeRun(job, attempt, at, JobStatus.STAGED_IN)) {
        return false;
      }
      at = JobStatus.STAGED_IN;
    }
    if (steps.preprocess() != null) {
      AppPhases.HookEnd hook = runHookBeforeRun(job, attempt, token, at, "preprocess", steps);
      if (hook.stopped()) {
        revoke(job.id(), attempt);
        return false;
      }
      if (hook.failure() != null) {
        failBeforeRun(job, attempt, at, new LaunchFailedException(hook.failure()), app);
        return false;
      }
      if (!moveBeforeRun(job, attempt, at, JobStatus.PREPROCESSED)) {
        return false;
      }
      at = JobStatus.PREPROCESSED;
    }
    StartedAttempt started;
    try {
      started = executor.start(podsOf(job, attempt, token));
    } catch (RuntimeException e) {
      failBeforeRun(job, attempt, at, e, app);
      return false;
    }
    Transition toRunning = toRunning(job, attempt, at, started.pids(), Instant.now());
    boolean running;
    try {
      running = lifecycle.move(toRunning).isPresent();
    } catch (RuntimeException e) {
      started.abandon(); // never leave processes nobody watches
      throw e;
    }
    if (!running) {
      // Stopped between the claim and the launch: the stop already ended it. If it was deleted
      // too (a flush), its files went while the pods were starting; what they wrote after that
      // goes once they are gone.
      started.abandon().thenRun(() -> purgeIfDeleted(job.id()));
      revoke(job.id(), attempt);
      return false;
    }
    if (job.timeoutSeconds() != null) {
      startTimeout(job, attempt, TimeUnit.SECONDS.toMillis(job.timeoutSeconds()));
    }
    started.watch(end -> attemptEnded(end, lease, app));
    return true;
  }

  /** Times attempt {@code attempt} of a job out after {@code millis}, unless it ends first. */
  private void startTimeout(Job job, int attempt, long millis) {
    timeoutTimers.put(
        job.id(),
        timeouts.schedule(
            () -> {
              timeoutTimers.remove(job.id());
              stopper.timeOut(job.id(), attempt, job.timeoutSeconds());
            },
            millis,
            TimeUnit.MILLISECONDS));
  }

  /**
   * Follows a running attempt that the previous run of the service launched, whose pods outlived it
   * and which the executor has adopted ({@link Recovery}), as if it had been launched here: it
   * holds its slots, its timeout counts from its start, and its end is recorded like any other's.
   * Its hooks after the run get a new token of the attempt (the pods keep theirs).
   */
  void adopt(Job job, StartedAttempt started) {
    int attempt = job.attempt();
    AppAttempt app =
        new AppAttempt(job, attempt, tokens.issue(job.id(), attempt), phases.steps(job));
    follow(job.id());
    Capacity.Lease lease = capacity.acquire(job.owner(), job.podCount());
    if (job.timeoutSeconds() != null) {
      Instant since =
          job.attempts().stream()
              .filter(a -> a.number() == attempt && a.startedAt() != null)
              .map(Attempt::startedAt)
              .findFirst()
              .orElse(Instant.now());
      long left =
          TimeUnit.SECONDS.toMillis(job.timeoutSeconds())
              - Duration.between(since, Instant.now()).toMillis();
      startTimeout(job, attempt, Math.max(0, left));
    }
    started.watch(end -> attemptEnded(end, lease, app));
  }

  /**
   * Runs a hook before the pods, with the job in {@code at}; a stop that came while it started
   * kills it (the stop ended the job at once: {@code at} is no state a process may live in).
   */
  private AppPhases.HookEnd runHookBeforeRun(
      Job job, int attempt, String token, JobStatus at, String name, AppSteps steps) {
    AppPhases.HookEnd end = phases.run(job, attempt, token, name, steps.preprocess(), at);
    if (!end.stopped() && phases.movedOn(job.id(), at)) {
      return new AppPhases.HookEnd(null, true); // stopped while it ran, though it exited itself
    }
    return end;
  }

  /** Enters a phase before the run; false (the token revoked) when a stop came first. */
  private boolean moveBeforeRun(Job job, int attempt, JobStatus from, JobStatus to) {
    if (lifecycle
        .move(Transition.of(job.id(), from, to, Actor.EXECUTOR, null).attempt(attempt))
        .isPresent()) {
      return true;
    }
    revoke(job.id(), attempt);
    return false;
  }

  /**
   * An attempt that failed before its pods ran: recorded, then retried or failed. From {@code
   * RUNNING} (recorded before the pods started), its attempt and pods exist already.
   */
  private void failBeforeRun(
      Job job, int attempt, JobStatus from, RuntimeException e, AppAttempt app) {
    revoke(job.id(), attempt);
    if (!running) {
      // The service is stopping and interrupted the launch: not the job's failure. It stays where
      // it is, for recovery (this service's next start, or a service sharing the database).
      log.info("job {} was being started as the service stopped; recovery takes it", job.id());
      return;
    }
    if (!(e instanceof LaunchFailedException)) {
      log.error("could not start job {}", job.id(), e);
    }
    Instant now = Instant.now();
    String error = e.getMessage();
    settler.fail(
        Transition.of(job.id(), from, JobStatus.RUN_ERROR, Actor.EXECUTOR, error)
            .attempt(attempt)
            .lastError(error)
            .also(
                tx -> {
                  if (from == JobStatus.RUNNING) {
                    for (int pod = 0; pod < job.podCount(); pod++) {
                      tx.podFinished(job.id(), pod, PodStatus.FAILED, null, null, now);
                    }
                  } else {
                    tx.startAttempt(job.id(), attempt, now, 0);
                  }
                  tx.finishAttempt(job.id(), attempt, JobStatus.RUN_ERROR, null, error, now);
                }),
        attempt,
        job.maxAttempts(),
        error,
        app);
  }

  private void purgeIfDeleted(String jobId) {
    try {
      if (store.findSummary(jobId).isEmpty()) {
        files.purge(jobId);
      }
    } catch (RuntimeException e) {
      log.warn("could not remove the files of deleted job {}", jobId, e);
    }
  }

  /**
   * Records the end of an attempt, once every process of it is gone, then runs the app's steps
   * after the run when every pod exited 0 (on this reaper thread, never the dispatcher's).
   */
  void attemptEnded(AttemptEnd end, Capacity.Lease lease, AppAttempt app) {
    pidWrites.ended(end.jobId(), end.attempt());
    ScheduledFuture<?> timer = timeoutTimers.remove(end.jobId());
    if (timer != null) {
      timer.cancel(false);
    }
    boolean revoked = false;
    boolean stepsAfterRun = app != null && app.steps().hasStepsAfterRun();
    try {
      // A success with nothing after it hands its slot over as soon as its write is queued (below);
      // any other end keeps it until the end is recorded.
      revoked = settler.record(end, app, stepsAfterRun ? null : () -> handOver(lease));
      if (stepsAfterRun) {
        settler.afterRun(app);
      }
    } finally {
      if (!revoked) {
        revoke(end.jobId(), end.attempt());
      }
      // Only once the end is recorded, or queued ahead of any claim the slot allows: until then
      // the job still counts as running (its events say so). The lease is the attempt's own, so a
      // retry claimed meanwhile keeps its lease. Nothing if the slot was handed over.
      release(lease);
      unfollow(end.jobId());
    }
  }

  /** The most an attempt's end waits for the dispatcher to queue the claim of its freed slot. */
  static final long HANDOVER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

  // Counts the dispatcher's claims queued and passes ended, for an end that hands its slot over.
  private final Object handovers = new Object();
  private long passes;

  // One dispatch pass at a time: the dispatcher's thread's, or an end's that hands its slot over.
  private final ReentrantLock pass = new ReentrantLock();

  /**
   * Frees an attempt's slot once its end's write is queued, and has the claim of the job that takes
   * the slot queued behind it: the end and that claim then share one transaction and one durable
   * commit, and the claim still commits with or after the end (the writes run in the order they are
   * queued), so the events never show more jobs running than there are slots. The ending thread
   * runs the dispatch pass itself (no wake-up of another thread on the slot's way); if the
   * dispatcher's thread is in a pass, it is woken and the end waits (at most {@link
   * #HANDOVER_WAIT_NANOS}) until it queued a claim or ended its pass.
   */
  private void handOver(Capacity.Lease lease) {
    long seen;
    synchronized (handovers) {
      seen = passes;
    }
    if (!capacity.release(lease)) {
      return;
    }
    if (!pass.isHeldByCurrentThread() && pass.tryLock()) {
      try {
        dispatch();
        return;
      } catch (RuntimeException e) {
        log.error("a dispatch pass after an end failed; the dispatcher's thread tries again", e);
      } finally {
        pass.unlock();
      }
    }
    queue.wake();
    long deadline = System.nanoTime() + HANDOVER_WAIT_NANOS;
    synchronized (handovers) {
      for (long left = HANDOVER_WAIT_NANOS; passes == seen && left > 0; ) {
        try {
          TimeUnit.NANOSECONDS.timedWait(handovers, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        left = deadline - System.nanoTime();
      }
    }
  }

  /**
   * The dispatcher queued a claim's write, or ended a pass: an end waiting to hand over goes on.
   */
  private void passed() {
    synchronized (handovers) {
      passes++;
      handovers.notifyAll();
    }
  }

  /** The attempt's processes are gone: its token goes too (a failure here must not stop more). */
  private void revoke(String jobId, int attempt) {
    try {
      tokens.revoke(jobId, attempt);
    } catch (RuntimeException e) {
      // The token still dies with the job: authentication refuses the token of an ended job.
      log.error("could not revoke the token of job {} attempt {}", jobId, attempt, e);
    }
  }

  private void release(Capacity.Lease lease) {
    if (capacity.release(lease)) {
      queue.wake();
    }
  }
}
