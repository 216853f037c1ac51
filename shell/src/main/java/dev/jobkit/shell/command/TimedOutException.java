package dev.jobkit.shell.command;

/** A wait reached its {@code --timeout} before the job reached the state waited for. */
class TimedOutException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With how long it waited and where the job is. */
  TimedOutException(String message) {
    super(message);
  }
}
