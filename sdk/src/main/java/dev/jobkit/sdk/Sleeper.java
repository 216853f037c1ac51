package dev.jobkit.sdk;

import java.time.Duration;

/**
 * How the client waits between attempts of a call: the real clock, or a test's, so that no test
 * waits a real second for a {@code Retry-After}.
 */
@FunctionalInterface
interface Sleeper {

  /** Waits on the real clock. */
  Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

  /** Waits {@code duration}, or less when interrupted. */
  void sleep(Duration duration) throws InterruptedException;
}
