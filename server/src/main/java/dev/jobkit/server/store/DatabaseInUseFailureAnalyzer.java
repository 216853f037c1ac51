package dev.jobkit.server.store;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a start refused for a database in use in two sentences (what, and what to do), not as a
 * chain of bean creation errors.
 */
class DatabaseInUseFailureAnalyzer extends AbstractFailureAnalyzer<DatabaseInUseException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, DatabaseInUseException cause) {
    String action = cause.action();
    return new FailureAnalysis(
        "This Jobkit service cannot start: " + cause.who() + ".",
        Character.toUpperCase(action.charAt(0)) + action.substring(1) + ".",
        cause);
  }
}
