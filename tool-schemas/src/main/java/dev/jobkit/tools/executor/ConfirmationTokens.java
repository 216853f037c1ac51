package dev.jobkit.tools.executor;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Confirmation tokens, short and of one size whatever they bind: what a token binds (the tool, its
 * canonical arguments, the jobs and the state seen, the expiry) stays here, in memory, under a
 * random id; the token is that id and an HMAC-SHA-256 of it (cut to 128 bits), with a key made when
 * the executor starts and never written anywhere. A token is spent once.
 *
 * <p>The job set is kept as a SHA-256 digest of the sorted ids with their states, so a flush of
 * 10,000 jobs costs as little to bind as a stop of one, and at most {@link #MAX_OUTSTANDING} tokens
 * are kept at once.
 */
final class ConfirmationTokens {

  /** The longest a token may live: long enough for a person to read the prompt, no longer. */
  static final Duration MAX_LIFETIME = Duration.ofMinutes(2);

  /** How many unexpired tokens may exist at once; a flood of pre-checks cannot fill the memory. */
  static final int MAX_OUTSTANDING = 10_000;

  private static final String PREFIX = "jkct2.";
  private static final int ID_BYTES = 16;
  private static final int MAC_BYTES = 16;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final byte[] key = new byte[32];
  private final Clock clock;
  private final Duration lifetime;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Entry> issued = new ConcurrentHashMap<>();

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
   * @param jobs the digest of the job(s) it acts on with their states ({@link #digest})
   * @param jobCount how many jobs that is
   * @param status the job's state seen at the pre-check; null when not about one job
   * @param expiresAt when it stops being accepted
   */
  record Claims(
      String tool, String args, String jobs, int jobCount, String status, Instant expiresAt) {}

  private record Entry(Claims claims, AtomicBoolean spent) {}

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

  /**
   * A new token over these facts.
   *
   * @throws Refusal {@code too_many_pending_confirmations} when {@link #MAX_OUTSTANDING} unexpired
   *     tokens exist
   */
  Issued issue(String tool, String args, List<String> jobs, String status) {
    Instant now = clock.instant();
    purge(now);
    if (issued.size() >= MAX_OUTSTANDING) {
      throw new Refusal(
          "too_many_pending_confirmations",
          "there are "
              + issued.size()
              + " confirmations waiting already; let them expire (at most two minutes) or use"
              + " the ones you have");
    }
    byte[] idBytes = new byte[ID_BYTES];
    random.nextBytes(idBytes);
    String id = B64.encodeToString(idBytes);
    Claims claims = new Claims(tool, args, digest(jobs), jobs.size(), status, now.plus(lifetime));
    issued.put(id, new Entry(claims, new AtomicBoolean()));
    return new Issued(PREFIX + id + "." + B64.encodeToString(sign(id)), claims);
  }

  /**
   * The claims of a genuine, unexpired token; does not spend it.
   *
   * @throws Refusal {@code invalid_token} when it was not made here or was changed; {@code
   *     expired_token} when it is too old
   */
  Claims verify(String token) {
    String id = idOf(token);
    Entry entry = issued.get(id);
    if (entry == null || !clock.instant().isBefore(entry.claims().expiresAt())) {
      // Genuine (the MAC held), so issued here: it expired and may have been forgotten since.
      throw new Refusal(
          "expired_token",
          "the confirmation token has expired (tokens live at most two minutes); call the tool"
              + " again without a token to check again and get a new one");
    }
    return entry.claims();
  }

  /** Spends the token; false when it was spent before. Call only after {@link #verify}. */
  boolean spend(String token) {
    Entry entry = issued.get(idOf(token));
    return entry != null && entry.spent().compareAndSet(false, true);
  }

  /** How many tokens are kept now (tests). */
  int outstanding() {
    purge(clock.instant());
    return issued.size();
  }

  /** A digest of a job set: sorted, so the order the service listed them in does not matter. */
  static String digest(List<String> jobsWithStates) {
    String[] sorted = jobsWithStates.toArray(String[]::new);
    Arrays.sort(sorted);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String job : sorted) {
        sha.update(job.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return B64.encodeToString(sha.digest());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  private String idOf(String token) {
    int dot = token.lastIndexOf('.');
    if (!token.startsWith(PREFIX) || dot <= PREFIX.length()) {
      throw invalid();
    }
    String id = token.substring(PREFIX.length(), dot);
    byte[] mac;
    try {
      mac = B64D.decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!MessageDigest.isEqual(sign(id), mac)) {
      throw invalid();
    }
    return id;
  }

  private void purge(Instant now) {
    // Kept one lifetime past expiry, so a late use is told "expired" rather than "invalid".
    issued.values().removeIf(e -> !now.isBefore(e.claims().expiresAt().plus(lifetime)));
  }

  private static Refusal invalid() {
    return new Refusal(
        "invalid_token",
        "the confirmation token is not one this tool issued, or it was changed; call the tool"
            + " again without a token to get a genuine one");
  }

  private byte[] sign(String id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Arrays.copyOf(mac.doFinal(id.getBytes(StandardCharsets.US_ASCII)), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
