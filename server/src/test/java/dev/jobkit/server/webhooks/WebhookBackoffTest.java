package dev.jobkit.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookBackoffTest {

  private static final Duration BASE = Duration.ofSeconds(10);
  private static final Duration MAX = Duration.ofHours(1);

  /** The largest number below 1: the longest wait the jitter draws. */
  private static final double TOP = Math.nextDown(1.0);

  @Test
  void the_wait_doubles_with_each_failure_and_stops_at_the_cap() {
    assertAlmost(WebhookBackoff.after(1, BASE, MAX, TOP), Duration.ofSeconds(10));
    assertAlmost(WebhookBackoff.after(2, BASE, MAX, TOP), Duration.ofSeconds(20));
    assertAlmost(WebhookBackoff.after(3, BASE, MAX, TOP), Duration.ofSeconds(40));
    assertAlmost(WebhookBackoff.after(9, BASE, MAX, TOP), Duration.ofMillis(2_560_000));
    assertAlmost(WebhookBackoff.after(10, BASE, MAX, TOP), MAX);
    // No overflow however many failures there were.
    assertAlmost(WebhookBackoff.after(1_000, BASE, MAX, TOP), MAX);
  }

  /** The top of the range: within a millisecond of the whole wait. */
  private static void assertAlmost(Duration wait, Duration whole) {
    assertThat(wait).isBetween(whole.minusMillis(1), whole);
  }

  @Test
  void the_jitter_keeps_each_wait_between_its_half_and_itself() {
    assertThat(WebhookBackoff.after(1, BASE, MAX, 0)).isEqualTo(Duration.ofSeconds(5));
    assertThat(WebhookBackoff.after(3, BASE, MAX, 0.5)).isEqualTo(Duration.ofSeconds(30));
    assertThat(WebhookBackoff.after(1_000, BASE, MAX, 0)).isEqualTo(MAX.dividedBy(2));
  }
}
