package dev.jobkit.sdk;

import feign.FeignException;
import feign.RetryableException;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.function.Supplier;

/**
 * Runs every public call: one resilience4j {@link Retry} around it (Feign's own retryer is off),
 * and no Feign exception ever reaches a caller.
 */
final class Calls {

  private final Retry retry;

  public Calls(RetryPolicy policy) {
    IntervalBiFunction<Object> interval =
        (attempt, outcome) -> {
          Throwable failure = outcome.isLeft() ? outcome.getLeft() : null;
          if (failure instanceof RateLimitedException limited && limited.retryAfter().isPresent()) {
            return limited.retryAfter().get().toMillis();
          }
          return Backoffs.of(policy, attempt).toMillis();
        };
    RetryConfig config =
        RetryConfig.custom()
            .maxAttempts(policy.maxAttempts())
            .intervalBiFunction(interval)
            .retryOnException(e -> e instanceof JobkitException j && j.isRetryable())
            .failAfterMaxAttempts(false)
            .build();
    this.retry = Retry.of("jobkit", config);
    retry
        .getEventPublisher()
        .onRetry(
            event ->
                policy
                    .listener()
                    .onRetry(
                        event.getNumberOfRetryAttempts(),
                        (JobkitException) event.getLastThrowable(),
                        event.getWaitInterval()));
  }

  /** Runs {@code call} under the retry policy, translating transport failures. */
  public <T> T run(Supplier<T> call) {
    return Retry.decorateSupplier(retry, () -> translated(call)).get();
  }

  /** Runs {@code call} once, with no retry: for requests that must not be repeated blindly. */
  public <T> T once(Supplier<T> call) {
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
