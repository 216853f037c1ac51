package dev.jobkit.sdk.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook delivery came from the service and is recent, for a receiver written in
 * Java. Needs no client and no connection to the service: only the webhook's secret.
 *
 * <p>Every delivery carries {@code Jobkit-Signature: t=<unix seconds>,v1=<hex>}, where the hex is
 * the HMAC-SHA-256, keyed with the secret's UTF-8 bytes, of {@code "<t>.<body>"} (the body as the
 * exact bytes received). A signature is accepted when one {@code v1} matches (compared in constant
 * time) and {@code t} lies within the tolerance of now (5 minutes by default), so that a recorded
 * delivery cannot be replayed later. Drop repeats of one delivery by its {@code Jobkit-Delivery}
 * header: a delivery whose answer was lost is sent again.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.create(System.getenv("JOBKIT_WEBHOOK_SECRET"));
 * byte[] body = exchange.getRequestBody().readAllBytes();
 * try {
 *   verifier.verify(exchange.getRequestHeaders().getFirst("Jobkit-Signature"), body);
 * } catch (WebhookSignatureException e) {
 *   exchange.sendResponseHeaders(400, -1); // not from the service, or too old
 *   return;
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public final class WebhookVerifier {

  /** The header that carries the signature. */
  public static final String SIGNATURE_HEADER = "Jobkit-Signature";

  /** The header that carries the delivery's id, the same on every attempt of one delivery. */
  public static final String DELIVERY_HEADER = "Jobkit-Delivery";

  /** How far a signature's time may lie from now unless told otherwise. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final Duration tolerance;
  private final Clock clock;

  private WebhookVerifier(SecretKeySpec key, Duration tolerance, Clock clock) {
    this.key = key;
    this.tolerance = tolerance;
    this.clock = clock;
  }

  /**
   * A verifier for the webhook with this secret, with the default tolerance of 5 minutes.
   *
   * @param secret the webhook's secret, as the service showed it when the webhook was made
   * @return the verifier
   * @throws IllegalArgumentException if the secret is null or empty
   */
  public static WebhookVerifier create(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("a webhook secret is needed to verify its signatures");
    }
    return new WebhookVerifier(
        new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM),
        DEFAULT_TOLERANCE,
        Clock.systemUTC());
  }

  /**
   * This verifier with another replay window.
   *
   * @param tolerance how far the signature's time may lie from now, either way; positive
   * @return a new verifier
   */
  public WebhookVerifier withTolerance(Duration tolerance) {
    if (tolerance == null || tolerance.isNegative() || tolerance.isZero()) {
      throw new IllegalArgumentException("the tolerance must be positive, not " + tolerance);
    }
    return new WebhookVerifier(key, tolerance, clock);
  }

  /**
   * Checks a delivery against the current time.
   *
   * @param signatureHeader the value of the {@code Jobkit-Signature} header, as received
   * @param body the request body, the exact bytes received
   * @throws WebhookSignatureException if the header is missing or malformed, its time is outside
   *     the tolerance, or no signature in it matches
   */
  public void verify(String signatureHeader, byte[] body) {
    verify(signatureHeader, body, clock.instant());
  }

  /**
   * Checks a delivery as of {@code now}.
   *
   * @param signatureHeader the value of the {@code Jobkit-Signature} header, as received
   * @param body the request body, the exact bytes received
   * @param now the time to hold the signature's time against
   * @throws WebhookSignatureException if the header is missing or malformed, its time is outside
   *     the tolerance, or no signature in it matches
   */
  public void verify(String signatureHeader, byte[] body, Instant now) {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(now, "now");
    if (signatureHeader == null || signatureHeader.isBlank()) {
      throw new WebhookSignatureException(
          WebhookSignatureException.Reason.MISSING_HEADER,
          "the request has no " + SIGNATURE_HEADER + " header");
    }
    Long timestamp = null;
    List<byte[]> signatures = new ArrayList<>();
    for (String part : signatureHeader.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw malformed("'" + part.strip() + "' is not name=value");
      }
      String name = part.substring(0, eq).strip();
      String value = part.substring(eq + 1).strip();
      if (name.equals("t")) {
        try {
          timestamp = Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw malformed("t=" + value + " is not a number of seconds");
        }
      } else if (name.equals("v1")) {
        try {
          signatures.add(HexFormat.of().parseHex(value));
        } catch (IllegalArgumentException e) {
          throw malformed("v1 is not hexadecimal");
        }
      }
      // Other schemes (a later v2) are ignored, so that a service can add one before receivers
      // know it.
    }
    if (timestamp == null) {
      throw malformed("it has no t=");
    }
    if (signatures.isEmpty()) {
      throw malformed("it has no v1=");
    }
    long skew = Math.abs(now.getEpochSecond() - timestamp);
    if (skew > tolerance.toSeconds()) {
      throw new WebhookSignatureException(
          WebhookSignatureException.Reason.OUTSIDE_TOLERANCE,
          "the signature's time t="
              + timestamp
              + " is "
              + skew
              + " s from now, more than the tolerance of "
              + tolerance.toSeconds()
              + " s (a replay, or a clock far off)");
    }
    byte[] expected = hmac(timestamp, body);
    boolean matched = false;
    for (byte[] signature : signatures) {
      // Every one is compared, each in constant time, so the time taken tells nothing.
      matched |= MessageDigest.isEqual(expected, signature);
    }
    if (!matched) {
      throw new WebhookSignatureException(
          WebhookSignatureException.Reason.MISMATCH,
          "no signature matches the body: another secret, or the body was changed");
    }
  }

  /**
   * The {@code Jobkit-Signature} header value for a body signed at a time: what the service sends,
   * and what a test of a receiver can send.
   *
   * @param unixSeconds the signing time, in seconds since the epoch
   * @param body the body, as the exact bytes sent
   * @return {@code t=<unixSeconds>,v1=<hex>}
   */
  public String sign(long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(hmac(unixSeconds, body));
  }

  private byte[] hmac(long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JDK has " + ALGORITHM, e);
    }
  }

  private static WebhookSignatureException malformed(String why) {
    return new WebhookSignatureException(
        WebhookSignatureException.Reason.MALFORMED_HEADER,
        "the " + SIGNATURE_HEADER + " header is malformed: " + why);
  }
}
