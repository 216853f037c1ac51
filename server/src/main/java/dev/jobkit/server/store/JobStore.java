package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where jobs, their events, attempts and pods are kept. Every status change goes through {@link
 * #transition}: a compare-and-swap on the status the caller saw, written with its event row in one
 * transaction.
 */
public interface JobStore {

  /** Writes that run inside a transition's transaction. */
  interface Tx {
    void startAttempt(String jobId, int number, java.time.Instant startedAt, int podCount);

    /** Records a pod of the attempt started; {@code pid} null while its process is starting. */
    void podStarted(String jobId, int podIndex, Long pid, java.time.Instant at);

    /** Records a pod's end; its {@code pid} too when not null (else the pid stays as it is). */
    void podFinished(
        String jobId,
        int podIndex,
        dev.jobkit.sdk.jobs.PodStatus status,
        Integer exitCode,
        Long pid,
        java.time.Instant at);

    void finishAttempt(
        String jobId,
        int number,
        JobStatus outcome,
        Integer exitCode,
        String error,
        java.time.Instant at);

    /**
     * Records where attempt {@code number}'s output starts in each pod's log, by pod index (what an
     * earlier claim of the same attempt recorded is replaced).
     */
    void logStarts(String jobId, int number, List<Long> offsets);

    /**
     * Stores the token of attempt {@code number} by the SHA-256 of it (the attempts before it lose
     * theirs): issued with the claim, it costs no commit of its own.
     */
    void issueToken(String jobId, int number, String tokenHash);

    /** Takes back the token of attempt {@code number}, with the move that ends it. */
    void revokeToken(String jobId, int number);

    /**
     * Stores the final result manifest of a job that ends having written no result file (the common
     * case), with its end: what {@code ResultManifests} would store in a commit of its own right
     * after.
     */
    void emptyResultManifest(String jobId, java.time.Instant at);
  }

  /** A job's page of the list, with the cursor sequence of its last item. */
  record Page(List<Job> items, Long lastSeq, boolean more) {}

  /**
   * The next job an owner may have claimed: its id, priority and queue position, and the job as the
   * lookup read it ({@code job}: its summary, without pods and attempts), or null where the lookup
   * read only the candidate's own columns.
   */
  record Candidate(String id, String owner, int priority, long seq, int podCount, Job job) {

    /** The queue's order: priority 9 first, then the oldest. */
    public static final java.util.Comparator<Candidate> QUEUE_ORDER =
        java.util.Comparator.comparingInt(Candidate::priority)
            .reversed()
            .thenComparingLong(Candidate::seq);
  }

  /**
   * Inserts jobs with their first events, in one transaction; with an idempotency key, records it
   * for the first job.
   */
  default List<JobEvent> insert(List<NewJob> jobs, Actor actor, IdempotencyRecord idempotency) {
    return insert(jobs, actor, idempotency, Integer.MAX_VALUE);
  }

  /**
   * {@link #insert(List, Actor, IdempotencyRecord)}, refused with {@link QueueFullException} (and
   * nothing written) when an owner would then have more than {@code maxWaitingPerOwner} jobs
   * waiting to start ({@link #WAITING_TO_START}). The count and the insert are one transaction
   * under the store's write lock: concurrent submissions never take an owner over the limit.
   */
  List<JobEvent> insert(
      List<NewJob> jobs, Actor actor, IdempotencyRecord idempotency, int maxWaitingPerOwner);

  /**
   * The states of a job that has not started (yet, or again): waiting for its parents or claimable.
   * What the per-user queued-jobs limit counts; every other active state is in flight.
   */
  Set<JobStatus> WAITING_TO_START =
      java.util.Collections.unmodifiableSet(
          java.util.EnumSet.copyOf(
              java.util.Arrays.stream(JobStatus.values())
                  .filter(s -> s.isActive() && !s.isInFlight())
                  .toList()));

  /** How many of the owner's jobs are waiting to start ({@link #WAITING_TO_START}). */
  long waitingToStart(String owner);

  /** An insert refused because the owner has too many jobs waiting to start. */
  final class QueueFullException extends RuntimeException {
    private final String owner;
    private final long waiting;
    private final int adding;
    private final int limit;

    public QueueFullException(String owner, long waiting, int adding, int limit) {
      super(owner + " has " + waiting + " jobs waiting to start; limit " + limit);
      this.owner = owner;
      this.waiting = waiting;
      this.adding = adding;
      this.limit = limit;
    }

    public String owner() {
      return owner;
    }

    public long waiting() {
      return waiting;
    }

    public int adding() {
      return adding;
    }

    public int limit() {
      return limit;
    }
  }

  /** A job with its pods and attempts. */
  Optional<Job> find(String id);

  /**
   * These jobs with their pods and attempts, in the order of {@code ids}, in three queries whatever
   * their number (a batch submit reads its jobs back this way); ids that do not exist are left out.
   */
  List<Job> findAll(List<String> ids);

  /**
   * A job without its pods and attempts (empty there): one indexed row, for the engine's decisions,
   * which never need them.
   */
  Optional<Job> findSummary(String id);

  /**
   * A page of jobs, newest first. A page of a bounded query (the API's, at most 1,000 jobs) carries
   * each job's pods and attempts, read in one query per table for the whole page, as {@link
   * #findAll} reads them; the unbounded queries of internal sweeps ({@link JobQuery#all}, a flush's
   * hit list) read the rows alone (pods and attempts empty), which they never need.
   */
  Page list(JobQuery query);

  /** The list position ({@code seq}) of the newest job, or 0 when there is none. */
  long highestSeq();

  /** The id of the newest event, or 0 when there is none. */
  long lastEventId();

  /** The status of each of these jobs that exists. */
  Map<String, JobStatus> statuses(Collection<String> ids);

  /** Applies a transition if the job is still in {@code from}; the event if it applied. */
  default Optional<JobEvent> transition(Transition transition) {
    return transition(transition, null);
  }

  /**
   * As {@link #transition(Transition)}; {@code queued} (if not null) runs on the caller's thread
   * once the write waits its turn among this service's writes: any write of this service queued
   * after that commits in the same transaction or a later one, never before it.
   */
  Optional<JobEvent> transition(Transition transition, Runnable queued);

  /**
   * Records an event that moves nothing (a worker acknowledging its claim) if the job is still in
   * {@code status}; the event if it was recorded.
   */
  Optional<JobEvent> note(
      String jobId,
      JobStatus status,
      dev.jobkit.sdk.jobs.EventKind kind,
      Actor actor,
      String reason);

  /**
   * Applies transitions of one job one after the other in one transaction (a claim and the start it
   * leads to): all of them, with their events, or none when the first finds the job moved on. Each
   * step starts where the one before ends; the job's row is written once, from the first step's
   * status to the last one's, with every step's columns (a later step's over an earlier one's).
   */
  default List<JobEvent> transitionThrough(List<Transition> steps) {
    return transitionThrough(steps, null);
  }

  /**
   * As {@link #transitionThrough(List)}, with {@code queued} as in {@link #transition(Transition,
   * Runnable)}.
   */
  List<JobEvent> transitionThrough(List<Transition> steps, Runnable queued);

  /** The pids of attempt {@code attempt}'s pods (by pod index), started by this service. */
  record StartedPids(String jobId, int attempt, List<Long> pids) {
    public StartedPids {
      pids = List.copyOf(pids);
    }
  }

  /**
   * Records the pids of attempts' pods, which {@link Tx#podStarted} left unknown, in one commit
   * that does not wait to be durable (on PostgreSQL): a crash that loses it loses the attempts
   * anyway, since local pods die with the service. Nothing for a job that has moved on to another
   * attempt.
   */
  void recordPids(List<StartedPids> started);

  /**
   * Applies many transitions in one transaction, each only if its job is still in its {@code from}
   * (a flush cancels its queued jobs this way, a batch at a time); the ones that applied.
   */
  List<Transition> transitionAll(List<Transition> transitions);

  /**
   * Sets the mutable fields of a job; false if it does not exist. A name or a visibility that
   * really changes is written as an event ({@code renamed}, {@code accessibility_changed}) by
   * {@code actor}, with the old and the new value, in the same transaction.
   */
  boolean update(String id, JobUpdate update, Actor actor);

  /** Sets a job's status reason without a transition (progress notes while it waits). */
  void setStatusReason(String id, JobStatus expected, String reason);

  /** Stores the progress and metrics a running job last reported. */
  void saveReport(String id, String progressJson, String metricsJson);

  /** Deletes a job in a terminal state with everything recorded about it; false if it did not. */
  boolean deleteTerminal(String id);

  /**
   * Records that retention removed an ended job's results and logs at {@code at}, and drops its
   * result manifest. False when the job is gone or was marked before.
   */
  boolean markResultsExpired(String id, java.time.Instant at);

  /**
   * Deletes those of these jobs that are in a terminal state, with everything recorded about them,
   * in one transaction; the ids of the ones it deleted.
   */
  List<String> deleteAllTerminal(Collection<String> ids);

  /** The owner's next claimable job by priority then age: an indexed lookup, whatever the queue. */
  Optional<Candidate> nextClaimable(String owner);

  /** Every owner with at least one claimable job. */
  Set<String> ownersWithClaimableJobs();

  /** Ids of jobs in any of these states. */
  List<String> idsInStatus(Set<JobStatus> statuses);

  /** Children of a job that are still waiting for their parents. */
  List<String> waitingChildren(String parentId);

  /**
   * Fails every job that waits, directly or through other waiting jobs, for {@code parentId}, which
   * ended {@code parentStatus} (not {@code SUCCEEDED}): each goes {@code AWAITING_PARENTS → FAILED}
   * with the reason {@code parent_failed} naming its own parent that ended, and its event.
   * Set-based: a few statements per generation of descendants and per thousand jobs, each thousand
   * in one transaction whose events reach the listeners together, instead of one transaction per
   * job.
   *
   * @return the jobs failed, in the order they were failed
   */
  List<String> failWaitingDescendants(String parentId, JobStatus parentStatus, Actor actor);

  /**
   * Where each attempt's output starts in one pod's log: attempt number to byte offset. Attempts
   * claimed before the service kept these (and, before the first launch, all) are missing.
   */
  Map<Integer, Long> logStarts(String jobId, int pod);

  /** One job's events (transitions, renames, visibility changes), oldest first. */
  List<JobEvent> events(String jobId);

  /** Events with an id above {@code afterId}, oldest first, at most {@code limit}. */
  List<StoredEvent> eventsAfter(long afterId, int limit);

  /** The idempotency record of an owner's key, if any. */
  Optional<IdempotencyRecord> idempotency(String owner, String key);

  /** An idempotency key, the hash of the body it came with, and the job it created. */
  record IdempotencyRecord(String owner, String key, String bodyHash, String jobId) {}
}
