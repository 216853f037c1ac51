package dev.jobkit.server.jobs;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalLong;

/**
 * A position in the list of jobs (a job's sequence number) as the opaque text clients pass back: a
 * list page's cursor ({@code c1:}) and a dry run's snapshot ({@code s1:}), base64url of the prefix
 * and the number. Only the exact text this service writes reads back as a position.
 */
final class PositionTokens {

  private PositionTokens() {}

  static String encode(String prefix, long seq) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((prefix + seq).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The position of a token {@link #encode} wrote with {@code prefix}; empty for any other text.
   */
  static OptionalLong decode(String prefix, String token) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (text.startsWith(prefix)) {
        long seq = Long.parseLong(text.substring(prefix.length()));
        // Long.parseLong also reads "+5", "05" and digits of other scripts: only the text this
        // service writes is a position.
        if (seq >= 0 && text.equals(prefix + seq)) {
          return OptionalLong.of(seq);
        }
      }
    } catch (IllegalArgumentException malformed) {
      // not base64, or not a number after the prefix: not ours
    }
    return OptionalLong.empty();
  }
}
