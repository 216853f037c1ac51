package dev.jobkit.shell.local;

/** The service cannot be reached or started; the message says why and what to do. */
public class ServiceUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** With a message for the user. */
  public ServiceUnavailableException(String message) {
    super(message);
  }

  /** With a message for the user and the cause for a log. */
  public ServiceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
