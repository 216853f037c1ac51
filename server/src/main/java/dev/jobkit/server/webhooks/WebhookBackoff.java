package dev.jobkit.server.webhooks;

import java.time.Duration;

/**
 * The wait before a delivery's next attempt: {@code base} after the first failure, doubling with
 * each further one up to {@code max}, and drawn between its half and itself so that deliveries that
 * failed together do not all come back together.
 */
final class WebhookBackoff {

  private WebhookBackoff() {}

  /**
   * @param failures how many attempts have failed so far, at least 1
   * @param random a number in [0, 1), where the wait lies between its half and itself
   */
  static Duration after(int failures, Duration base, Duration max, double random) {
    long baseMillis = base.toMillis();
    long cap = max.toMillis();
    int shift = Math.min(Math.max(failures, 1) - 1, 62);
    long delay = baseMillis > (cap >> shift) ? cap : Math.min(cap, baseMillis << shift);
    return Duration.ofMillis(delay / 2 + (long) (random * (delay - delay / 2)));
  }
}
