package dev.jobkit.shell.command;

/** The command line is wrong: an unknown option, a missing value, a value of the wrong form. */
public class UsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With what is wrong and what would be right. */
  public UsageException(String message) {
    super(message);
  }
}
