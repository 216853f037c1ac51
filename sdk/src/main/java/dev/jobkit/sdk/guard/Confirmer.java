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

  /** Whether the action described by {@code precheck} may go ahead. */
  boolean confirm(Precheck precheck);
}
