package dev.jobkit.shell.command;

/** The shell refuses to act (a risky action without a terminal to ask and without --yes). */
public class RefusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With why, and how to go ahead. */
  public RefusedException(String message) {
    super(message);
  }
}
