package dev.jobkit.tools.executor;

import dev.jobkit.sdk.guard.Precheck;
import java.util.List;

/** Pre-checks of the guarded calls that are not about one job (running code, admin writes). */
final class Prechecks {

  private Prechecks() {}

  /**
   * A pre-check about no existing job.
   *
   * @param action the tool's action ({@code submit}, {@code create_user}, ...)
   * @param displayName the name of the job to submit, or null
   * @param allowed whether it may go ahead
   * @param consequence what it will do (or why it may not), in words
   * @param prompt the question for the person; null when not allowed
   */
  static Precheck of(
      String action, String displayName, boolean allowed, String consequence, String prompt) {
    return new Precheck(
        action,
        null,
        displayName,
        null,
        allowed,
        consequence,
        prompt,
        List.of(),
        null,
        null,
        null,
        null,
        List.of());
  }
}
