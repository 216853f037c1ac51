package dev.jobkit.sdk;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The waits between attempts: exponential, capped, jittered. */
final class Backoffs {

  private Backoffs() {}

  /** The wait before retry number {@code attempt} (from 1). */
  public static Duration of(RetryPolicy policy, int attempt) {
    double base =
        Math.min(
            policy.maxBackoff().toMillis(),
            policy.initialBackoff().toMillis() * Math.pow(policy.multiplier(), attempt - 1));
    double spread = base * policy.jitter();
    double wait = base - spread + ThreadLocalRandom.current().nextDouble() * 2 * spread;
    return Duration.ofMillis(
        Math.round(Math.min(policy.maxBackoff().toMillis(), Math.max(0, wait))));
  }
}
