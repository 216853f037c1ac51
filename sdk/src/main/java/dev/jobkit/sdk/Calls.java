package dev.jobkit.sdk;

import feign.FeignException;
import feign.RetryableException;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs every public call: one resilience4j {@link Retry} around it (Feign's own retryer is off),
 * and no Feign exception ever reaches a caller.
 *
 * <p>resilience4j decides whether to try again and how long to wait first (the service's {@code
 * Retry-After}, else the policy's backoff); the client waits that long through its {@link Sleeper}
 * and tells resilience4j to wait no more, because resilience4j's own sleep is one static function
 * for the whole JVM.
 *
 * <p>A call has a deadline: the client's {@code callTimeout} from its start, or a waiter's
 * deadline, whichever comes first ({@link #before}). No attempt waits for an answer past it (the
 * {@link DeadlineClient} shortens each request's timeout to the time left) and no retry starts
 * whose wait would end after it: the caller gets the last failure instead.
 */
final class Calls {

  /** The deadline of the call running on this thread ({@link System#nanoTime()}), if any. */
  private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

  private final Retry retry;
  private final BooleanSupplier closed;
  private final Duration callTimeout;

  /**
   * @param callTimeout the longest a call may take, retries included; zero for no limit
   * @param closed whether the client is closed: then every call fails at once
   */
  Calls(RetryPolicy policy, Sleeper sleeper, Duration callTimeout, BooleanSupplier closed) {
    this.closed = closed;
    this.callTimeout = callTimeout;
    IntervalBiFunction<Object> waitThenGoOn =
        (attempt, outcome) -> {
          JobkitException failure = (JobkitException) outcome.getLeft();
          Duration wait =
              failure instanceof RateLimitedException limited && limited.retryAfter().isPresent()
                  ? limited.retryAfter().get()
                  : Backoffs.of(policy, attempt);
          Long deadline = DEADLINE.get();
          if (deadline != null && System.nanoTime() + wait.toNanos() >= deadline) {
            throw failure; // the next attempt would start too late to finish in time
          }
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
            .retryOnException(e -> e instanceof JobkitException j && retryable(j, policy))
            .failAfterMaxAttempts(false)
            .build();
    this.retry = Retry.of("jobkit", config);
  }

  /**
   * Whether {@code failure} is worth another attempt: a retryable one, unless the service asked to
   * wait longer than the policy ever waits ({@code maxBackoff}). Then the caller gets the {@link
   * RateLimitedException} at once, with its {@code retryAfter()}, instead of a call that blocks for
   * as long as the service says.
   */
  private static boolean retryable(JobkitException failure, RetryPolicy policy) {
    if (failure instanceof RateLimitedException limited
        && limited
            .retryAfter()
            .filter(wait -> wait.compareTo(policy.maxBackoff()) > 0)
            .isPresent()) {
      return false;
    }
    return failure.isRetryable();
  }

  /** Runs {@code call} under the retry policy, translating transport failures. */
  <T> T run(Supplier<T> call) {
    return withDeadline(
        Long.MAX_VALUE, () -> Retry.decorateSupplier(retry, () -> translated(call)).get());
  }

  /** Runs {@code call} once, with no retry: for requests that must not be repeated blindly. */
  <T> T once(Supplier<T> call) {
    return withDeadline(Long.MAX_VALUE, () -> translated(call));
  }

  /**
   * Runs {@code call} (which makes calls of this client) so that none of its calls runs past {@code
   * deadlineNanos}, a {@link System#nanoTime()}: what a waiter uses to keep its deadline.
   */
  <T> T before(long deadlineNanos, Supplier<T> call) {
    return withDeadline(deadlineNanos, call);
  }

  /** The time left before the deadline of the call running on this thread, if it has one. */
  static Duration timeLeft() {
    Long deadline = DEADLINE.get();
    return deadline == null ? null : Duration.ofNanos(deadline - System.nanoTime());
  }

  private <T> T withDeadline(long deadlineNanos, Supplier<T> call) {
    Long outer = DEADLINE.get();
    long deadline = deadlineNanos;
    if (!callTimeout.isZero()) {
      deadline = Math.min(deadline, System.nanoTime() + callTimeout.toNanos());
    }
    if (outer != null) {
      deadline = Math.min(deadline, outer);
    }
    DEADLINE.set(deadline == Long.MAX_VALUE ? null : deadline);
    try {
      return call.get();
    } finally {
      if (outer == null) {
        DEADLINE.remove();
      } else {
        DEADLINE.set(outer);
      }
    }
  }

  private <T> T translated(Supplier<T> call) {
    if (closed.getAsBoolean()) {
      // The client's threads are gone: a request now would wait forever for an answer.
      throw JobkitClient.closedFailure();
    }
    try {
      return call.get();
    } catch (RetryableException e) {
      throw unreachable(e);
    } catch (FeignException e) {
      throw new JobkitException(
          "the Jobkit service's answer could not be read: " + e.getMessage(), e);
    }
  }

  /**
   * A transport failure that says where the service was sought and why it did not answer, caused by
   * the JDK's exception rather than Feign's: {@code cannot reach the Jobkit service at
   * http://127.0.0.1:8080: connection refused (GET /api/v1/jobs/job_1)}.
   */
  static TransportException unreachable(RetryableException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    URI url = URI.create(e.request().url());
    String origin = url.getScheme() + "://" + url.getRawAuthority();
    String target = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    return new TransportException(
        "cannot reach the Jobkit service at "
            + origin
            + ": "
            + reason(cause)
            + " ("
            + e.request().httpMethod()
            + " "
            + target
            + ")",
        cause);
  }

  private static String reason(Throwable cause) {
    if (cause instanceof ConnectException) {
      return "connection refused";
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return "no connection within the connect timeout";
    }
    if (cause instanceof HttpTimeoutException) {
      return "no answer in time";
    }
    if (cause instanceof UnknownHostException) {
      return "unknown host";
    }
    String message = cause.getMessage();
    return message == null || message.isBlank()
        ? cause.getClass().getSimpleName()
        : message.strip();
  }
}
