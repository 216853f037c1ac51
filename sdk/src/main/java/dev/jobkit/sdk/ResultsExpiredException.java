package dev.jobkit.sdk;

import java.time.Instant;
import java.util.Optional;

/**
 * 410 {@code results_expired}: retention ({@code jobkit.retention.*} on the service) removed the
 * job's results and logs. The job itself is still there, with {@link
 * dev.jobkit.sdk.jobs.Job#resultsExpiredAt()}. Not retryable: they do not come back.
 */
public class ResultsExpiredException extends JobkitApiException {

  /** When retention removed them, or null when not known. */
  private final Instant expiredAt;

  /**
   * Made by the client from a 410 answer.
   *
   * @param status the HTTP status code of the answer (410)
   * @param problem the problem document the service sent, or null
   * @param requestId the id the service logged the request under, or null
   * @param expiredAt when retention removed the results, or null when not known
   */
  public ResultsExpiredException(int status, Problem problem, String requestId, Instant expiredAt) {
    super(status, problem, requestId);
    this.expiredAt = expiredAt;
  }

  /**
   * When retention removed the job's results and logs.
   *
   * @return the time, or empty when the answer did not say
   */
  public Optional<Instant> expiredAt() {
    return Optional.ofNullable(expiredAt);
  }
}
