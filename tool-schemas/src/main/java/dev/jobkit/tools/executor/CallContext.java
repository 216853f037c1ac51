package dev.jobkit.tools.executor;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What one tool call runs with besides its arguments: where a person's yes comes from, where
 * progress goes and whether the caller gave up. The MCP server makes one per {@code tools/call}.
 *
 * @param mode where the yes to a guarded call comes from
 * @param gate asks the person in modes {@code ELICIT} and {@code HOST}; null in the others
 * @param progress receives progress of long calls ({@code wait_for_job}); null when nobody follows
 * @param canceled true once the caller has given up on the call; long calls then stop early
 */
public record CallContext(
    ConfirmationMode mode, HumanGate gate, Progress progress, BooleanSupplier canceled) {

  /** Receives the progress of a long call. */
  @FunctionalInterface
  public interface Progress {
    /**
     * One step of progress.
     *
     * @param done how far it is (seconds waited, for a wait)
     * @param total where it ends (the seconds it may wait), or null when unknown
     * @param message what it is doing, in a sentence
     */
    void report(double done, Double total, String message);
  }

  /**
   * Checks the gate.
   *
   * @throws IllegalArgumentException when the mode asks a person and there is no gate
   */
  public CallContext {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(canceled, "canceled");
    if ((mode == ConfirmationMode.ELICIT || mode == ConfirmationMode.HOST) && gate == null) {
      throw new IllegalArgumentException("mode " + mode + " needs a gate to ask the person");
    }
  }

  /** A call in {@code mode} with {@code gate}, no progress and no cancellation. */
  public static CallContext of(ConfirmationMode mode, HumanGate gate) {
    return new CallContext(mode, gate, null, () -> false);
  }

  /** The same call, reporting progress to {@code progress} and stopping once {@code canceled}. */
  public CallContext following(Progress progress, BooleanSupplier canceled) {
    return new CallContext(mode, gate, progress, canceled);
  }
}
