package dev.jobkit.sdk;

/**
 * 410 {@code worker_expired}: the worker missed its heartbeats for the service's claim TTL (or was
 * deregistered), so it lost its claims; its running jobs were ended as lost. Not retryable: the
 * worker kills what it still runs and registers anew.
 */
public class WorkerExpiredException extends JobkitApiException {

  /**
   * Made by the client from a 410 answer whose code is {@code worker_expired}.
   *
   * @param status the HTTP status code of the answer (410)
   * @param problem the problem document the service sent, or null
   * @param requestId the id the service logged the request under, or null
   */
  public WorkerExpiredException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }
}
