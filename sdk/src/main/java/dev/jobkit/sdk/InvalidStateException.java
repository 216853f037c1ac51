package dev.jobkit.sdk;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.util.List;

/**
 * 409 ({@code invalid_state}): the operation is not allowed in the job's current state, for example
 * stopping a job that has ended or deleting one that runs.
 */
public class InvalidStateException extends ConflictException {

  /**
   * Made by the client from an error answer: its status, problem document and request id.
   *
   * @param status the HTTP status code of the answer
   * @param problem the problem document the service sent, or null when it sent none
   * @param requestId the id the service logged the request under, or null when it sent none
   */
  public InvalidStateException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }

  /**
   * The state the job was in when the service refused the operation.
   *
   * @return the job's state, as the problem document names it, or null when it names none
   */
  public JobStatus currentStatus() {
    return problem().currentStatus();
  }

  /**
   * The states the operation is allowed in, from the lifecycle table.
   *
   * @return the allowed states, empty when the problem document named none
   */
  public List<JobStatus> allowedStatuses() {
    return problem().allowedStatuses();
  }
}
