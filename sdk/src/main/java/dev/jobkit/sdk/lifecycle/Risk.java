package dev.jobkit.sdk.lifecycle;

/** How much harm an operation can do; {@link #HIGH} operations go through the guarded protocol. */
public enum Risk {
  /** Reads nothing but what is there; changes nothing. */
  READ,
  /** Changes something that is easy to change back. */
  LOW,
  /** Opens access to a live job. */
  MEDIUM,
  /** Cannot be undone: pre-check, confirm, execute, verify. */
  HIGH
}
