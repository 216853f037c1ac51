package dev.jobkit.sdk;

import dev.jobkit.sdk.jobs.Job;
import java.time.Duration;

/**
 * A waiter gave up: the job did not reach the awaited state in time. {@link #lastSeen()} says where
 * it was; when the service could not be read at the end, {@link #getCause()} says why.
 */
public class WaitTimeoutException extends JobkitException {

  private final transient Job lastSeen;

  /**
   * A wait that ran out with the job readable but not yet in the awaited state.
   *
   * @param lastSeen the job as last read
   * @param timeout how long the waiter waited
   */
  public WaitTimeoutException(Job lastSeen, Duration timeout) {
    this(lastSeen.id(), lastSeen, timeout, null);
  }

  /**
   * A wait that ran out, with what was last seen of the job and why its last read failed, if it
   * did.
   *
   * @param jobId the job waited for
   * @param lastSeen the job as last read, or null if it never could be read
   * @param timeout how long the waiter waited
   * @param lastFailure why the last read failed, or null if it did not
   */
  public WaitTimeoutException(
      String jobId, Job lastSeen, Duration timeout, JobkitException lastFailure) {
    super(message(jobId, lastSeen, timeout, lastFailure), lastFailure);
    this.lastSeen = lastSeen;
  }

  private static String message(
      String jobId, Job lastSeen, Duration timeout, JobkitException lastFailure) {
    String message = "job " + jobId + " did not reach the awaited state within " + timeout;
    if (lastSeen != null) {
      message += "; it is " + lastSeen.status();
    }
    if (lastFailure != null) {
      message +=
          (lastSeen == null ? "; it could not be read: " : "; its last read failed: ")
              + lastFailure.getMessage();
    }
    return message;
  }

  /**
   * The job as last read before the waiter gave up, to show where it stopped.
   *
   * @return the job, or null if it never could be read
   */
  public Job lastSeen() {
    return lastSeen;
  }
}
