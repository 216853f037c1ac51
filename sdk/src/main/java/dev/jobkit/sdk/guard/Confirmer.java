package dev.jobkit.sdk.guard;

/**
 * Asks whoever is responsible whether a risky action may go ahead. Only {@code true} lets it run.
 *
 * <pre>{@code
 * client.guarded(Confirmers.console()).stop(jobId);            // a person at a terminal
 * client.guarded(precheck -> myDialog.ask(precheck.prompt())); // your own UI
 * }</pre>
 */
@FunctionalInterface
public interface Confirmer {

  /**
   * Whether the action described by {@code precheck} may go ahead. Called only for an action the
   * lifecycle allows, and again if the job changed in a way that changes what it would do; a
   * confirmer that throws stops the action as a no would, and its exception reaches the caller.
   *
   * @param precheck what the action would do, with the {@linkplain Precheck#prompt() question} to
   *     show
   * @return true to let the action run; false declines it
   */
  boolean confirm(Precheck precheck);
}
