package dev.jobkit.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how the client retries a failed call: only failures that may succeed on a second try
 * ({@link JobkitException#isRetryable()}: connection failures, 502/503/504, 429), with exponential
 * backoff and jitter, honouring the service's {@code Retry-After} up to {@code maxBackoff} (a
 * longer one fails the call at once with a {@link RateLimitedException} that says how long). Never
 * on other 4xx.
 *
 * <pre>{@code
 * RetryPolicy.defaults()                      // 4 attempts, 200 ms doubling up to 10 s, ±50 %
 *     .withMaxAttempts(6)
 *     .withListener((attempt, failure, wait) -> log.warn("retry {} in {}", attempt, wait));
 * RetryPolicy.none();                         // a single attempt
 * }</pre>
 *
 * @param maxAttempts attempts in all, the first included (1 = no retry)
 * @param initialBackoff the wait before the first retry
 * @param maxBackoff the longest wait between two attempts
 * @param multiplier how much each wait grows
 * @param jitter how much a wait varies at random, from 0 (none) to 1 (0 to 2 × the wait)
 * @param listener told before every retry
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    double jitter,
    RetryListener listener) {

  /**
   * A policy; a null listener is {@link RetryListener#NONE}.
   *
   * @param maxAttempts attempts in all, the first included (1 = no retry)
   * @param initialBackoff the wait before the first retry
   * @param maxBackoff the longest wait between two attempts
   * @param multiplier how much each wait grows
   * @param jitter how much a wait varies at random, from 0 (none) to 1 (0 to 2 × the wait)
   * @param listener told before every retry, or null
   * @throws IllegalArgumentException unless {@code maxAttempts >= 1}, {@code 0 <= initialBackoff <=
   *     maxBackoff}, {@code multiplier >= 1} and {@code 0 <= jitter <= 1}
   * @throws NullPointerException if a backoff is null
   */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
    }
    if (multiplier < 1 || jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("need multiplier >= 1 and 0 <= jitter <= 1");
    }
    listener = listener == null ? RetryListener.NONE : listener;
  }

  /**
   * The policy a client uses unless told otherwise.
   *
   * @return four attempts, waiting 200 ms, doubling up to 10 s, with ±50 % jitter
   */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        4, Duration.ofMillis(200), Duration.ofSeconds(10), 2.0, 0.5, RetryListener.NONE);
  }

  /**
   * No retries, for callers that retry on their own terms.
   *
   * @return a policy of one attempt: failures reach the caller at once
   */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1, 0, RetryListener.NONE);
  }

  /**
   * This policy with another number of attempts.
   *
   * @param attempts attempts in all, the first included (1 = no retry)
   * @return a copy with that number of attempts
   * @throws IllegalArgumentException if {@code attempts} is less than 1
   */
  public RetryPolicy withMaxAttempts(int attempts) {
    return new RetryPolicy(attempts, initialBackoff, maxBackoff, multiplier, jitter, listener);
  }

  /**
   * This policy with other waits: {@code Duration.ZERO} for both makes retries immediate (handy in
   * tests).
   *
   * @param initial the wait before the first retry
   * @param max the longest wait between two attempts
   * @return a copy with those waits
   * @throws IllegalArgumentException unless {@code 0 <= initial <= max}
   */
  public RetryPolicy withBackoff(Duration initial, Duration max) {
    return new RetryPolicy(maxAttempts, initial, max, multiplier, jitter, listener);
  }

  /**
   * This policy with another jitter; 0 makes every wait exactly the computed one.
   *
   * @param jitter how much a wait varies at random, from 0 (none) to 1 (0 to 2 × the wait)
   * @return a copy with that jitter
   * @throws IllegalArgumentException unless {@code 0 <= jitter <= 1}
   */
  public RetryPolicy withJitter(double jitter) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, listener);
  }

  /**
   * This policy telling {@code listener} before every retry, to log or count them.
   *
   * @param listener the listener, replacing this policy's; null for none
   * @return a copy with that listener
   */
  public RetryPolicy withListener(RetryListener listener) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, listener);
  }
}
