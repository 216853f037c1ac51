package dev.jobkit.sdk.jobs;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What an event of a job's log records: a change of its status, a change of a field that tells
 * people which job it is or who may see it, a worker's acknowledgement of its claim, or a web
 * terminal opened into or closed on one of its pods. Only {@link #TRANSITION} moves a job through
 * its lifecycle; the others leave {@code from_status} and {@code to_status} both at the job's
 * status of the moment.
 */
public enum EventKind {
  /** The job moved from one status to another (or, with no {@code from_status}, was submitted). */
  TRANSITION,
  /** Its {@code display_name} changed; the event carries the old and the new name. */
  RENAMED,
  /**
   * Its {@code accessibility} changed ({@code PRIVATE} or {@code PUBLIC}); the event carries the
   * old and the new value.
   */
  ACCESSIBILITY_CHANGED,
  /**
   * The worker that claimed the job acknowledged the claim: it has the job and will run it. The
   * status does not change ({@code from_status} and {@code to_status} are both {@code CLAIMED}).
   */
  ACKNOWLEDGED,
  /**
   * A web terminal into one of its running pods was opened: the actor is the user who asked for the
   * terminal's URL, the reason names the pod ({@code "terminal on pod 0 opened by alice"}). The
   * status does not change ({@code from_status} and {@code to_status} are both {@code RUNNING}).
   */
  TERMINAL_OPENED,
  /**
   * A web terminal on one of its pods was closed: the actor is the user who had opened it, the
   * reason says how it ended ({@code "terminal on pod 0 closed (shell exited 0)"}). The status does
   * not change ({@code from_status} and {@code to_status} are both the job's status at that
   * moment).
   */
  TERMINAL_CLOSED;

  /**
   * The name the service writes for this kind of event.
   *
   * @return the lower-case wire name ({@code "renamed"})
   */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
