package dev.jobkit.sdk;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.util.List;

/**
 * 409 ({@code invalid_state}): the operation is not allowed in the job's current state, for example
 * stopping a job that has ended or deleting one that runs.
 */
public class InvalidStateException extends ConflictException {

  /** Made by the client from an error answer: its status, problem document and request id. */
  public InvalidStateException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }

  /** The state the job was in. */
  public JobStatus currentStatus() {
    return problem().currentStatus();
  }

  /** The states the operation is allowed in. */
  public List<JobStatus> allowedStatuses() {
    return problem().allowedStatuses() == null ? List.of() : problem().allowedStatuses();
  }
}
