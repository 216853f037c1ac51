package dev.jobkit.shell.command;

/**
 * What a command names does not exist, or the caller may not see it; the message says what to type
 * instead. Exit code 3, as the service's 404.
 */
public class MissingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With what is missing and what to type instead. */
  public MissingException(String message) {
    super(message);
  }
}
