package dev.jobkit.sdk.webhooks;

import dev.jobkit.sdk.JobkitException;

/**
 * A webhook delivery that {@link WebhookVerifier} refused: the receiver should answer it with a 4xx
 * and not act on it.
 */
public final class WebhookSignatureException extends JobkitException {

  /** Why a delivery was refused. */
  public enum Reason {
    /** There was no {@code Jobkit-Signature} header. */
    MISSING_HEADER,
    /** The header is not {@code t=<seconds>,v1=<hex>}. */
    MALFORMED_HEADER,
    /** The signature's time is further from now than the tolerance: a replay, or a wrong clock. */
    OUTSIDE_TOLERANCE,
    /** No signature matches: another secret, or a changed body. */
    MISMATCH
  }

  /** Why the delivery was refused. */
  private final Reason reason;

  /**
   * A refusal.
   *
   * @param reason why
   * @param message the same, in a sentence
   */
  public WebhookSignatureException(Reason reason, String message) {
    super(message, null);
    this.reason = reason;
  }

  /**
   * Why the delivery was refused.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
