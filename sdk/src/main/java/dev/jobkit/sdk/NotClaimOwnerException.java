package dev.jobkit.sdk;

import java.util.Optional;

/**
 * 403 {@code not_claim_owner}: a worker tried to move a job that another worker claimed. Not
 * retryable: the job is the other worker's until its claim is released or expires.
 */
public class NotClaimOwnerException extends ForbiddenException {

  /** The worker that holds the claim, or null when the answer did not say. */
  private final String ownerWorkerId;

  /**
   * Made by the client from a 403 answer whose code is {@code not_claim_owner}.
   *
   * @param status the HTTP status code of the answer (403)
   * @param problem the problem document the service sent, or null
   * @param requestId the id the service logged the request under, or null
   * @param ownerWorkerId the problem's {@code owner_worker_id}, or null
   */
  public NotClaimOwnerException(
      int status, Problem problem, String requestId, String ownerWorkerId) {
    super(status, problem, requestId);
    this.ownerWorkerId = ownerWorkerId;
  }

  /**
   * The worker that claimed the job.
   *
   * @return its id ({@code wkr_...}), or empty when the answer did not name it
   */
  public Optional<String> ownerWorkerId() {
    return Optional.ofNullable(ownerWorkerId);
  }
}
