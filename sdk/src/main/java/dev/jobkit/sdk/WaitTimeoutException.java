package dev.jobkit.sdk;

import dev.jobkit.sdk.jobs.Job;
import java.time.Duration;

/**
 * A waiter gave up: the job did not reach the awaited state in time. {@link #lastSeen()} says where
 * it was.
 */
public class WaitTimeoutException extends JobkitException {

  private final transient Job lastSeen;

  public WaitTimeoutException(Job lastSeen, Duration timeout) {
    super(
        "job "
            + lastSeen.id()
            + " did not reach the awaited state within "
            + timeout
            + "; it is "
            + lastSeen.status(),
        null);
    this.lastSeen = lastSeen;
  }

  /** The job as last read. */
  public Job lastSeen() {
    return lastSeen;
  }
}
