package dev.jobkit.sdk;

import java.time.Duration;

/** Told before each retry: which attempt failed, why, and how long the client waits. */
@FunctionalInterface
public interface RetryListener {

  /** A listener that does nothing. */
  RetryListener NONE = (attempt, failure, wait) -> {};

  /**
   * Called once per retry, on the calling thread, before the client waits.
   *
   * @param attempt the number of the attempt that failed, from 1
   * @param failure why it failed
   * @param wait how long the client waits before the next attempt
   */
  void onRetry(int attempt, JobkitException failure, Duration wait);
}
