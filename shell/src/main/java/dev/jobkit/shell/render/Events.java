package dev.jobkit.shell.render;

import dev.jobkit.sdk.guard.PromptText;
import dev.jobkit.sdk.jobs.JobEvent;

/**
 * What an event of a job's log changed, in a few words: {@code QUEUED -> RUNNING} for a transition,
 * {@code renamed "a" → "b"} for a rename, {@code accessibility PRIVATE → PUBLIC} for a change of
 * visibility, {@code acknowledged by wkr_…} for a worker's acknowledgement. Names are quoted, on
 * one line and cut, as in the SDK's prompts: a name cannot pass for the rest of the line.
 */
public final class Events {

  private Events() {}

  /** The change {@code e} records, coloured by {@code style}. */
  public static String change(JobEvent e, Style style) {
    return switch (e.kind()) {
      case TRANSITION ->
          (e.fromStatus() == null ? "submitted" : e.fromStatus().name())
              + " -> "
              + style.status(e.toStatus());
      case RENAMED ->
          "renamed " + PromptText.quoted(e.oldValue()) + " → " + PromptText.quoted(e.newValue());
      case ACCESSIBILITY_CHANGED ->
          "accessibility "
              + PromptText.clean(e.oldValue())
              + " → "
              + PromptText.clean(e.newValue());
      case ACKNOWLEDGED -> "acknowledged by " + PromptText.clean(e.actor());
      case TERMINAL_OPENED, TERMINAL_CLOSED ->
          e.reason() == null ? e.kind().wireName() : PromptText.clean(e.reason());
    };
  }

  /**
   * The event's reason, for a transition; none for a rename or a visibility change, whose {@link
   * #change} already says all of it.
   */
  public static String reason(JobEvent e) {
    return e.isTransition() && e.reason() != null ? e.reason() : "";
  }
}
