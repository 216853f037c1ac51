package dev.jobkit.server.store;

import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * What text the store can keep, on H2 and PostgreSQL alike, and how it is encoded. PostgreSQL
 * refuses NUL in text and turns a lone UTF-16 surrogate into {@code ?}; a value that does not fit
 * its column fails the whole statement. Requests are checked against these rules before anything is
 * written, so a bad value is a 400 naming its field, never a failed write.
 */
public final class StoredText {

  /**
   * The size, in characters, of the jobs table's large columns ({@code command}, {@code shell},
   * {@code env}, {@code tags}, {@code parents}, {@code metrics}: {@code VARCHAR(65536)}).
   */
  public static final int LARGE_COLUMN = 65_536;

  // The encoding of list and map columns: the job store writes and reads them with this mapper, so
  // a size measured here is the size stored.
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private StoredText() {}

  /** The JSON text a list or map column stores for {@code value}. */
  public static String json(Object value) {
    return value == null ? null : JSON.writeValueAsString(value);
  }

  /**
   * Why {@code text} cannot be stored as it is (it holds NUL, or half of a surrogate pair), or
   * empty if it can.
   */
  public static Optional<String> unstorable(String text) {
    if (text == null) {
      return Optional.empty();
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        return Optional.of("must not contain NUL (\\u0000), at character " + i);
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++; // a whole pair: one character outside the BMP
      } else if (Character.isSurrogate(c)) {
        return Optional.of(
            "must be valid Unicode: a lone UTF-16 surrogate (\\u"
                + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                + ") at character "
                + i
                + " cannot be stored");
      }
    }
    return Optional.empty();
  }

  /** The first {@code max} characters of {@code text}, never ending on half a surrogate pair. */
  public static String cut(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int end = max;
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }
}
