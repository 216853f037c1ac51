package dev.jobkit.sdk;

import java.time.Duration;
import java.util.Optional;

/** 429 ({@code rate_limited}): too many requests; retryable after {@link #retryAfter()}. */
public class RateLimitedException extends JobkitApiException {

  private final Duration retryAfter;

  /** Made by the client from a 429 answer and its {@code Retry-After}. */
  public RateLimitedException(int status, Problem problem, String requestId, Duration retryAfter) {
    super(status, problem, requestId);
    this.retryAfter = retryAfter;
  }

  /** How long the service asked to wait ({@code Retry-After}), if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
