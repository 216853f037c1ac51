package dev.jobkit.sdk.guard;

/** How a guarded action ended; never a bare true or false. */
public enum OutcomeKind {
  /** Done, and the expected end state was seen. */
  APPLIED,
  /** Done, but the end state was not seen in time. */
  UNVERIFIED,
  /** The confirmer said no; nothing was changed. */
  DECLINED,
  /** The pre-check refused: the lifecycle does not allow the action in the job's state. */
  NOT_ALLOWED_IN_STATE,
  /** The job has already ended; there is nothing to stop. */
  ALREADY_TERMINAL,
  /** The job changed under us and the action no longer applies. */
  RACE_LOST,
  /**
   * There is no such job, or this key may not see it; nothing was done. The pre-check's read of the
   * job answered 404, so nothing was asked and there is no pre-check to show.
   */
  NOT_FOUND
}
