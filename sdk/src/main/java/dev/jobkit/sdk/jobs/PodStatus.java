package dev.jobkit.sdk.jobs;

/** The state of one process ("pod") of a job's current attempt. */
public enum PodStatus {
  /** The process is running. */
  RUNNING,
  /** The process exited 0. */
  SUCCEEDED,
  /** The process exited non-zero or could not start. */
  FAILED,
  /** The process was killed by a stop, a timeout or the service shutting down. */
  KILLED
}
