package dev.jobkit.server.auth;

import com.github.f4b6a3.ulid.UlidCreator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/** Makes API keys and their hashes, and the service's other random ids. */
public final class Keys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Keys() {}

  /** A new secret key: {@code jk_} and 256 random bits. */
  public static String newApiKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "jk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The hex SHA-256 of a key, which is all the service keeps. */
  public static String hash(String key) {
    return sha256(key.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A time-ordered id with a prefix: {@code job_01j9...}. */
  public static String newId(String prefix) {
    return prefix + "_" + UlidCreator.getMonotonicUlid().toString().toLowerCase(Locale.ROOT);
  }
}
