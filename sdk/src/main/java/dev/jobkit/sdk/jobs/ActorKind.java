package dev.jobkit.sdk.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Who caused a transition, as recorded in the job's event log. */
public enum ActorKind {
  /** A person, through the API, the SDK or the shell. */
  USER,
  /** An LLM agent, through the tool executor. */
  AGENT,
  /** A worker process executing the job. */
  WORKER,
  /**
   * A running job, through the {@code JOBKIT_TOKEN} the service gave it: it acts with its owner's
   * rights (never an admin's), and only until it ends.
   */
  JOB,
  /** The service itself: the scheduler, timers, recovery. */
  SYSTEM;

  /**
   * The name the service writes for this kind of actor in an event.
   *
   * @return the lower-case wire name ({@code "user"})
   */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
