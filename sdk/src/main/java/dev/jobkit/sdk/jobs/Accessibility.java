package dev.jobkit.sdk.jobs;

/** Who may see a job besides its owner and admins. */
public enum Accessibility {
  /** Only the owner and admins (and holders of a share token) see the job; others get 404. */
  PRIVATE,
  /** Every authenticated user may read the job; only its owner and admins may change it. */
  PUBLIC
}
