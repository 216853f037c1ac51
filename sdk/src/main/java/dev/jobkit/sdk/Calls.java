package dev.jobkit.sdk;

import feign.FeignException;
import feign.RetryableException;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs every public call: one resilience4j {@link Retry} around it (Feign's own retryer is off),
 * and no Feign exception ever reaches a caller.
 *
 * <p>resilience4j decides whether to try again and how long to wait first (the service's {@code
 * Retry-After}, else the policy's backoff); the client waits that long through its {@link Sleeper}
 * and tells resilience4j to wait no more, because resilience4j's own sleep is one static function
 * for the whole JVM.
 */
final class Calls {

  private final Retry retry;

  Calls(RetryPolicy policy) {
    this(policy, Sleeper.REAL);
  }

  Calls(RetryPolicy policy, Sleeper sleeper) {
    IntervalBiFunction<Object> waitThenGoOn =
        (attempt, outcome) -> {
          JobkitException failure = (JobkitException) outcome.getLeft();
          Duration wait =
              failure instanceof RateLimitedException limited && limited.retryAfter().isPresent()
                  ? limited.retryAfter().get()
                  : Backoffs.of(policy, attempt);
          policy.listener().onRetry(attempt, failure, wait);
          try {
            sleeper.sleep(wait);
          } catch (InterruptedException e) {
            // As resilience4j does: the caller gets the last failure, and the interrupt stays set.
            Thread.currentThread().interrupt();
            throw failure;
          }
          return 0L;
        };
    RetryConfig config =
        RetryConfig.custom()
            .maxAttempts(policy.maxAttempts())
            .intervalBiFunction(waitThenGoOn)
            .retryOnException(e -> e instanceof JobkitException j && j.isRetryable())
            .failAfterMaxAttempts(false)
            .build();
    this.retry = Retry.of("jobkit", config);
  }

  /** Runs {@code call} under the retry policy, translating transport failures. */
  <T> T run(Supplier<T> call) {
    return Retry.decorateSupplier(retry, () -> translated(call)).get();
  }

  /** Runs {@code call} once, with no retry: for requests that must not be repeated blindly. */
  <T> T once(Supplier<T> call) {
    return translated(call);
  }

  private static <T> T translated(Supplier<T> call) {
    try {
      return call.get();
    } catch (RetryableException e) {
      throw new TransportException("cannot reach the Jobkit service: " + e.getMessage(), e);
    } catch (FeignException e) {
      throw new JobkitException(
          "the Jobkit service's answer could not be read: " + e.getMessage(), e);
    }
  }
}
