package dev.jobkit.server.exec;

/** Why an executor opens no terminal into a pod, with a sentence for the user. */
public final class TerminalRefusedException extends RuntimeException {

  /** What kind of refusal this is, for the status the API answers with. */
  public enum Reason {
    /** The pod runs elsewhere: not on this service's local executor. */
    NOT_HERE,
    /** The pod does not exist in the running attempt, or has ended. */
    NO_SUCH_POD,
    /** This machine cannot start a terminal (no {@code posix_spawn} with what it needs). */
    UNSUPPORTED
  }

  private final Reason reason;

  public TerminalRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
