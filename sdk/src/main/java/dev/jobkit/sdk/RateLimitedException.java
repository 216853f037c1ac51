package dev.jobkit.sdk;

import java.time.Duration;
import java.util.Optional;

/** 429 ({@code rate_limited}): too many requests; retryable after {@link #retryAfter()}. */
public class RateLimitedException extends JobkitApiException {

  /** How long the service asked to wait, or null when it did not say. */
  private final Duration retryAfter;

  /**
   * Made by the client from a 429 answer and its {@code Retry-After}.
   *
   * @param status the HTTP status code of the answer, 429
   * @param problem the problem document the service sent, or null when it sent none
   * @param requestId the id the service logged the request under, or null when it sent none
   * @param retryAfter the wait its {@code Retry-After} asked for, or null when it had none
   */
  public RateLimitedException(int status, Problem problem, String requestId, Duration retryAfter) {
    super(status, problem, requestId);
    this.retryAfter = retryAfter;
  }

  /**
   * How long the service asked to wait before the next call ({@code Retry-After}).
   *
   * @return the wait, or empty when the service did not say
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
