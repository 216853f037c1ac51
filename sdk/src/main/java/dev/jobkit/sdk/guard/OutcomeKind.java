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
  RACE_LOST
}
