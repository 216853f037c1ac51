package dev.jobkit.tools.executor;

import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.Precheck;
import java.util.Objects;

/**
 * Asks a person whether a guarded tool call may go ahead, and tells a "no" from a question closed
 * without an answer. Only {@link Answer#YES} lets the call run.
 *
 * <pre>{@code
 * HumanGate gate = precheck -> myDialog.ask(precheck.prompt()) ? Answer.YES : Answer.NO;
 * }</pre>
 */
@FunctionalInterface
public interface HumanGate {

  /** What the person answered. */
  enum Answer {
    /** Go ahead. */
    YES,
    /** Do not. */
    NO,
    /** The question was closed without an answer (MCP elicitation's {@code cancel}). */
    DISMISSED
  }

  /** Shows {@code precheck} (its prompt above all) to the person and returns their answer. */
  Answer ask(Precheck precheck);

  /** A gate that asks {@code confirmer}: true is {@link Answer#YES}, false {@link Answer#NO}. */
  static HumanGate of(Confirmer confirmer) {
    Objects.requireNonNull(confirmer, "confirmer");
    return precheck -> confirmer.confirm(precheck) ? Answer.YES : Answer.NO;
  }
}
