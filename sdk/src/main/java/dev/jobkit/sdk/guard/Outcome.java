package dev.jobkit.sdk.guard;

import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.JobDeletion;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Duration;

/**
 * How a guarded action ended, and what happened on the way.
 *
 * @param kind the named outcome
 * @param precheck what was pre-checked (the last one, if the job changed and it was redone); null
 *     for {@link OutcomeKind#NOT_FOUND}, where the job could not be read to pre-check it
 * @param confirmed whether the confirmer said yes
 * @param executed whether the changing request was sent and accepted
 * @param verified whether the expected end state was seen
 * @param finalStatus the job's state at the end; null when it is gone (deleted) or for a flush
 * @param message what happened, in a sentence
 * @param flush for a flush, the service's account of it; else null, and null as well for a flush
 *     whose answer was lost (the message says what was seen of its jobs instead)
 * @param took how long the whole action took
 * @param operation for a flush, the service's background operation as it was last seen (its id,
 *     status and counts; still {@code running} when the verification timed out before it ended);
 *     else null, and null as well for a flush whose answer was lost
 * @param deletion for a delete the service answered, what went with the job (its model and result
 *     records); else null, and null as well for a delete whose answer was lost
 */
public record Outcome(
    OutcomeKind kind,
    Precheck precheck,
    boolean confirmed,
    boolean executed,
    boolean verified,
    JobStatus finalStatus,
    String message,
    FlushResult flush,
    Duration took,
    FlushOperation operation,
    JobDeletion deletion) {

  /**
   * An outcome without a flush operation: a stop, a delete, or a flush whose answer was lost.
   *
   * @param kind the named outcome
   * @param precheck what was pre-checked, or null when the job could not be read
   * @param confirmed whether the confirmer said yes
   * @param executed whether the changing request was sent and accepted
   * @param verified whether the expected end state was seen
   * @param finalStatus the job's state at the end, or null
   * @param message what happened, in a sentence
   * @param flush for a flush, the service's account of it, or null
   * @param took how long the whole action took
   */
  public Outcome(
      OutcomeKind kind,
      Precheck precheck,
      boolean confirmed,
      boolean executed,
      boolean verified,
      JobStatus finalStatus,
      String message,
      FlushResult flush,
      Duration took) {
    this(kind, precheck, confirmed, executed, verified, finalStatus, message, flush, took, null);
  }

  /**
   * An outcome that is no delete the service answered: a stop, a flush, or a delete not sent or
   * whose answer was lost.
   *
   * @param kind the named outcome
   * @param precheck what was pre-checked, or null when the job could not be read
   * @param confirmed whether the confirmer said yes
   * @param executed whether the changing request was sent and accepted
   * @param verified whether the expected end state was seen
   * @param finalStatus the job's state at the end, or null
   * @param message what happened, in a sentence
   * @param flush for a flush, the service's account of it, or null
   * @param took how long the whole action took
   * @param operation for a flush, the service's background operation as last seen, or null
   */
  public Outcome(
      OutcomeKind kind,
      Precheck precheck,
      boolean confirmed,
      boolean executed,
      boolean verified,
      JobStatus finalStatus,
      String message,
      FlushResult flush,
      Duration took,
      FlushOperation operation) {
    this(
        kind,
        precheck,
        confirmed,
        executed,
        verified,
        finalStatus,
        message,
        flush,
        took,
        operation,
        null);
  }

  /**
   * Whether the action was done and verified.
   *
   * @return true exactly when {@link #kind()} is {@link OutcomeKind#APPLIED}
   */
  public boolean applied() {
    return kind == OutcomeKind.APPLIED;
  }
}
