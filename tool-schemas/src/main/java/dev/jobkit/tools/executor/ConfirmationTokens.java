package dev.jobkit.tools.executor;

import dev.jobkit.tools.registry.Schemas;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Confirmation tokens: HMAC-SHA-256 over the tool, its canonical arguments, the job(s), the status
 * seen, an expiry and a nonce, with a key made in memory when the executor starts and never written
 * anywhere. A token is spent once.
 */
final class ConfirmationTokens {

  /** The longest a token may live: long enough for a person to read the prompt, no longer. */
  static final Duration MAX_LIFETIME = Duration.ofMinutes(2);

  private static final String PREFIX = "jkct1.";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] key = new byte[32];
  private final Clock clock;
  private final Duration lifetime;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Instant> spent = new ConcurrentHashMap<>();

  ConfirmationTokens(Clock clock, Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException(
          "a confirmation token lives more than 0 and at most 2 minutes, not " + lifetime);
    }
    this.clock = clock;
    this.lifetime = lifetime;
    random.nextBytes(key);
  }

  /**
   * What a token binds.
   *
   * @param tool the tool's name
   * @param args the canonical arguments, without the token
   * @param jobs the job(s) it acts on, sorted
   * @param status the job's state seen at the pre-check; null for a flush
   * @param expiresAt when it stops being accepted
   * @param nonce what makes it single-use
   */
  record Claims(
      String tool,
      String args,
      List<String> jobs,
      String status,
      Instant expiresAt,
      String nonce) {}

  /** A refused token: the reason code and a sentence. */
  static final class Refusal extends RuntimeException {
    final String reason;

    Refusal(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }

  /** A token and what it binds. */
  record Issued(String token, Claims claims) {}

  /** A new token over these facts. */
  Issued issue(String tool, String args, List<String> jobs, String status) {
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    Instant expires = clock.instant().plus(lifetime);
    Claims claims = new Claims(tool, args, jobs, status, expires, HexFormat.of().formatHex(nonce));
    ObjectNode payload = Schemas.JSON.createObjectNode();
    payload.put("tool", tool);
    payload.put("args", args);
    payload.set("jobs", Schemas.JSON.valueToTree(jobs));
    payload.put("status", status);
    payload.put("exp", expires.toEpochMilli());
    payload.put("nonce", claims.nonce());
    String body = PREFIX + B64.encodeToString(Schemas.JSON.writeValueAsBytes(payload));
    return new Issued(body + "." + B64.encodeToString(sign(body)), claims);
  }

  /**
   * The claims of a genuine, unexpired token.
   *
   * @throws Refusal {@code invalid_token} when it was not made here or was changed; {@code
   *     expired_token} when it is too old
   */
  Claims verify(String token) {
    int dot = token.lastIndexOf('.');
    if (!token.startsWith(PREFIX) || dot <= PREFIX.length()) {
      throw invalid();
    }
    String body = token.substring(0, dot);
    byte[] signature;
    try {
      signature = B64D.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!MessageDigest.isEqual(sign(body), signature)) {
      throw invalid();
    }
    JsonNode payload = Schemas.JSON.readTree(B64D.decode(body.substring(PREFIX.length())));
    List<String> jobs = new ArrayList<>();
    payload.get("jobs").forEach(j -> jobs.add(j.asString()));
    JsonNode status = payload.get("status");
    Claims claims =
        new Claims(
            payload.get("tool").asString(),
            payload.get("args").asString(),
            List.copyOf(jobs),
            status == null || status.isNull() ? null : status.asString(),
            Instant.ofEpochMilli(payload.get("exp").asLong()),
            payload.get("nonce").asString());
    if (!clock.instant().isBefore(claims.expiresAt())) {
      throw new Refusal(
          "expired_token",
          "the confirmation token expired at "
              + claims.expiresAt()
              + "; call the tool again without a token to check the job again and get a new one");
    }
    return claims;
  }

  /** Spends the token's nonce; false when it was spent before. */
  boolean spend(Claims claims) {
    Instant now = clock.instant();
    // Expired tokens are refused anyway, so their nonces need not be remembered any longer.
    spent.values().removeIf(expiry -> !now.isBefore(expiry));
    return spent.putIfAbsent(claims.nonce(), claims.expiresAt()) == null;
  }

  private static Refusal invalid() {
    return new Refusal(
        "invalid_token",
        "the confirmation token is not one this tool issued, or it was changed; call the tool"
            + " again without a token to get a genuine one");
  }

  private byte[] sign(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
