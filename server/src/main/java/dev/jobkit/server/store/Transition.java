package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A compare-and-swap of one job's status, with the columns that change with it and any other writes
 * that belong in the same transaction.
 *
 * @param jobId the job
 * @param from the status the caller saw; the change applies only if the job still has it
 * @param to the new status, which the lifecycle table must allow from {@code from}
 * @param reason the event's reason, also written as the job's {@code status_reason}
 * @param actor who makes the change
 * @param columns other columns of the job row to set, by the typed setters below
 * @param alsoInTransaction writes that must commit together with the change
 * @param ownerLimit for a claim: the most jobs its owner may have in flight, checked against the
 *     database in the same transaction when several services may share it; null: not checked
 * @param seen the job as the caller read it before this change, or null: what never changes in a
 *     job (its app, its owner) can be taken from it instead of read again
 * @param whileAttempt the change applies only while the job is at this attempt; null: any
 */
public record Transition(
    String jobId,
    JobStatus from,
    JobStatus to,
    String reason,
    Actor actor,
    Map<String, Object> columns,
    Consumer<JobStore.Tx> alsoInTransaction,
    Integer ownerLimit,
    Job seen,
    Integer whileAttempt) {

  public Transition {
    if (!from.canTransitionTo(to)) {
      throw new IllegalArgumentException("the lifecycle does not allow " + from + " -> " + to);
    }
    columns = new LinkedHashMap<>(columns);
  }

  public static Transition of(
      String jobId, JobStatus from, JobStatus to, Actor actor, String reason) {
    return new Transition(jobId, from, to, reason, actor, Map.of(), tx -> {}, null, null, null);
  }

  /** Sets the job's {@code attempt}: the number of the attempt this change starts or ends. */
  public Transition attempt(int attempt) {
    return set("attempt", attempt);
  }

  /** Sets the job's {@code started_at}. */
  public Transition startedAt(Instant at) {
    return set("started_at", at);
  }

  /** Sets the job's {@code finished_at}. */
  public Transition finishedAt(Instant at) {
    return set("finished_at", at);
  }

  /** Sets the job's {@code last_error}. */
  public Transition lastError(String error) {
    return set("last_error", error);
  }

  /** Sets the job's {@code exit_code}. */
  public Transition exitCode(int code) {
    return set("exit_code", code);
  }

  /** Sets what the job left in its output dir: {@code output_files} and {@code output_bytes}. */
  public Transition outputs(long files, long bytes) {
    return set("output_files", files).set("output_bytes", bytes);
  }

  /**
   * Sets the job's {@code worker_id}: the external worker that claims it, or null for the service's
   * own local executor.
   */
  public Transition workerId(String workerId) {
    return set("worker_id", workerId);
  }

  /**
   * Sets the job's {@code service_id}: the service whose local executor claims it, or null for a
   * job an external worker claims.
   */
  public Transition serviceId(String serviceId) {
    return set("service_id", serviceId);
  }

  // The column names are fixed here, never taken from input: the store writes them as given.
  private Transition set(String column, Object value) {
    columns.put(column, value);
    return this;
  }

  /**
   * Applies only while the job's owner has fewer than {@code limit} jobs in flight (this one not
   * counted). One service checks its own claims in memory ({@code Capacity}); where services share
   * the database, the count is the database's, read in the claim's transaction.
   */
  public Transition ownerLimit(int limit) {
    return new Transition(
        jobId, from, to, reason, actor, columns, alsoInTransaction, limit, seen, whileAttempt);
  }

  /** The same change, made by a caller that read {@code job} (this change's job) before it. */
  public Transition seen(Job job) {
    if (!job.id().equals(jobId)) {
      throw new IllegalArgumentException("job " + job.id() + " is not " + jobId);
    }
    return new Transition(
        jobId, from, to, reason, actor, columns, alsoInTransaction, ownerLimit, job, whileAttempt);
  }

  /**
   * The same change, applied only while the job is at attempt {@code attempt}: an attempt's end,
   * written without reading the job first, never settles a later attempt.
   */
  public Transition whileAttempt(int attempt) {
    return new Transition(
        jobId, from, to, reason, actor, columns, alsoInTransaction, ownerLimit, seen, attempt);
  }

  public Transition also(Consumer<JobStore.Tx> work) {
    Consumer<JobStore.Tx> before = alsoInTransaction;
    return new Transition(
        jobId,
        from,
        to,
        reason,
        actor,
        columns,
        before.andThen(work),
        ownerLimit,
        seen,
        whileAttempt);
  }
}
