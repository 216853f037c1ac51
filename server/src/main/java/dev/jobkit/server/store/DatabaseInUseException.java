package dev.jobkit.server.store;

/**
 * Another service holds this service's database: the start stops here, before anything was
 * migrated, recovered or run. The message names that service and says what to do.
 */
public class DatabaseInUseException extends RuntimeException {

  private final String who;
  private final String action;

  DatabaseInUseException(String who, String action, Throwable cause) {
    super(who + "; " + action, cause);
    this.who = who;
    this.action = action;
  }

  /** Who holds the database: {@code another Jobkit service (pid …, host …) is using …}. */
  public String who() {
    return who;
  }

  /** What to do about it. */
  public String action() {
    return action;
  }
}
