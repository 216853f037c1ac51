package dev.jobkit.server.api;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.server.ApiException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Reads the values of query parameters and headers the way every endpoint does: blank is absent, a
 * wrong value is a 400 naming the parameter and what it takes.
 */
final class QueryValues {

  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private QueryValues() {}

  static Instant time(String field, String value, List<FieldError> errors) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Instant instant;
    try {
      instant = Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      try {
        instant = OffsetDateTime.parse(value.strip()).toInstant();
      } catch (DateTimeParseException again) {
        errors.add(
            new FieldError(
                field,
                "must be an RFC 3339 time such as 2026-01-31T12:00:00Z, not '" + value + "'"));
        return null;
      }
    }
    // RFC 3339 years have four digits; java.time reads +999999999-12-31, which no database keeps.
    if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      errors.add(
          new FieldError(
              field,
              "must be an RFC 3339 time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, not '"
                  + value
                  + "'"));
      return null;
    }
    return instant;
  }

  static boolean bool(String field, String value, boolean fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw ApiException.invalid(field, "must be true or false, not '" + value + "'");
    };
  }

  static int integer(String field, String value, int fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw ApiException.invalid(field, "must be a whole number, not '" + value + "'");
    }
  }

  /** A whole number, or null when absent (blank). */
  static Integer integerOrNull(String field, String value) {
    return value == null || value.isBlank() ? null : integer(field, value, 0);
  }

  /** A byte offset: ASCII digits only (no sign, no space), at most Long.MAX_VALUE; 0 if absent. */
  static long byteOffset(String field, String value) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    if (value.matches("[0-9]{1,19}")) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException tooLarge) {
        // falls through to the problem below
      }
    }
    throw ApiException.invalid(
        field, "must be a byte offset (digits only, a whole number ≥ 0), not '" + value + "'");
  }

  static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
