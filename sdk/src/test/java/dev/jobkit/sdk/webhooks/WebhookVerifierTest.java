package dev.jobkit.sdk.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.webhooks.WebhookSignatureException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The signature scheme against a vector computed outside Java ({@code printf '%s'
 * '1700000000.{...}' | openssl dgst -sha256 -hmac 'whsec_0123456789abcdef'}), and every way a
 * delivery is refused.
 */
class WebhookVerifierTest {

  private static final String SECRET = "whsec_0123456789abcdef";
  private static final byte[] BODY =
      "{\"job_id\":\"job_1\",\"to_status\":\"SUCCEEDED\"}".getBytes(StandardCharsets.UTF_8);
  private static final String HEX =
      "3d8efed3abda9ba7950a2e5c8caac30d3073d59bba198f5c2c827627d3ceb5d4";
  private static final Instant SIGNED = Instant.ofEpochSecond(1_700_000_000L);

  private final WebhookVerifier verifier = WebhookVerifier.create(SECRET);

  @Test
  void signing_gives_the_hmac_openssl_gives() {
    assertThat(verifier.sign(1_700_000_000L, BODY)).isEqualTo("t=1700000000,v1=" + HEX);
  }

  @Test
  void a_matching_signature_within_the_window_is_accepted() {
    assertThatCode(() -> verifier.verify("t=1700000000,v1=" + HEX, BODY, SIGNED.plusSeconds(299)))
        .doesNotThrowAnyException();
    assertThatCode(() -> verifier.verify("t=1700000000,v1=" + HEX, BODY, SIGNED.minusSeconds(60)))
        .doesNotThrowAnyException();
  }

  @Test
  void one_matching_signature_among_several_and_unknown_schemes_is_enough() {
    String header = "t=1700000000, v1=" + "00".repeat(32) + ", v2=zz, v1=" + HEX.toUpperCase();
    assertThatCode(() -> verifier.verify(header, BODY, SIGNED)).doesNotThrowAnyException();
  }

  @Test
  void an_old_signature_is_a_replay() {
    assertThatThrownBy(
            () -> verifier.verify("t=1700000000,v1=" + HEX, BODY, SIGNED.plusSeconds(301)))
        .isInstanceOfSatisfying(
            WebhookSignatureException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.OUTSIDE_TOLERANCE))
        .hasMessageContaining("301 s from now");
    assertThatCode(
            () ->
                verifier
                    .withTolerance(Duration.ofMinutes(10))
                    .verify("t=1700000000,v1=" + HEX, BODY, SIGNED.plusSeconds(301)))
        .doesNotThrowAnyException();
  }

  @Test
  void a_changed_body_or_another_secret_does_not_match() {
    byte[] changed = "{\"job_id\":\"job_2\",\"to_status\":\"SUCCEEDED\"}".getBytes();
    assertReason(() -> verifier.verify("t=1700000000,v1=" + HEX, changed, SIGNED), Reason.MISMATCH);
    assertReason(
        () ->
            WebhookVerifier.create("another-secret-0123")
                .verify("t=1700000000,v1=" + HEX, BODY, SIGNED),
        Reason.MISMATCH);
    // The time is signed too: the same v1 under another t does not match.
    assertReason(() -> verifier.verify("t=1700000001,v1=" + HEX, BODY, SIGNED), Reason.MISMATCH);
  }

  @Test
  void a_missing_or_malformed_header_says_what_is_wrong() {
    assertReason(() -> verifier.verify(null, BODY, SIGNED), Reason.MISSING_HEADER);
    assertReason(() -> verifier.verify(" ", BODY, SIGNED), Reason.MISSING_HEADER);
    assertReason(() -> verifier.verify("v1=" + HEX, BODY, SIGNED), Reason.MALFORMED_HEADER);
    assertReason(() -> verifier.verify("t=1700000000", BODY, SIGNED), Reason.MALFORMED_HEADER);
    assertReason(() -> verifier.verify("t=soon,v1=" + HEX, BODY, SIGNED), Reason.MALFORMED_HEADER);
    assertReason(
        () -> verifier.verify("t=1700000000,v1=xyz", BODY, SIGNED), Reason.MALFORMED_HEADER);
    assertReason(() -> verifier.verify("garbage", BODY, SIGNED), Reason.MALFORMED_HEADER);
  }

  @Test
  void a_verifier_needs_a_secret_and_a_positive_window() {
    assertThatThrownBy(() -> WebhookVerifier.create(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> verifier.withTolerance(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertReason(Runnable check, Reason reason) {
    assertThatThrownBy(check::run)
        .isInstanceOfSatisfying(
            WebhookSignatureException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
