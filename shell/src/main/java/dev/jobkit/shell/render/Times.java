package dev.jobkit.shell.render;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Times as people read and write them: "3m ago", "2026-11-23 20:15:03 UTC", "7d", "90s". */
public final class Times {

  /** One or more parts, each a whole number and a unit: {@code 90s}, {@code 1h30m}. */
  private static final Pattern DURATION = Pattern.compile("(?:\\d+(?:ms|s|m|h|d|w))+");

  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

  /** The longest duration accepted: far beyond any job's or wait's, and far from overflowing. */
  private static final Duration LONGEST = Duration.ofDays(3650);

  private static final DateTimeFormatter ABSOLUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Times() {}

  /** "12s ago", "3m ago", "5h ago", "2d ago"; "-" for null. */
  public static String relative(Instant time, Instant now) {
    if (time == null) {
      return "-";
    }
    Duration d = Duration.between(time, now);
    if (d.isNegative()) {
      return "just now";
    }
    return short_(d) + " ago";
  }

  /** "2026-11-23 20:15:03 UTC"; "-" for null. */
  public static String absolute(Instant time) {
    return time == null ? "-" : ABSOLUTE.format(time);
  }

  /** "850ms", "42s", "3m 20s", "5h 02m", "2d 03h". */
  public static String short_(Duration d) {
    long s = d.getSeconds();
    if (s < 1) {
      return d.toMillis() + "ms";
    }
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m " + (s % 60) + "s";
    }
    if (s < 86400) {
      return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format(Locale.ROOT, "%dd %02dh", s / 86400, (s % 86400) / 3600);
  }

  /**
   * Parses a duration written with units: {@code 500ms}, {@code 90s}, {@code 10m}, {@code 2h},
   * {@code 7d}, {@code 1w}, or several of them together ({@code 1h30m}). A bare number is refused,
   * since it could mean seconds or minutes (Slurm's {@code --time=10} is ten minutes), and so is
   * anything over ten years.
   *
   * @throws IllegalArgumentException saying which forms are accepted
   */
  public static Duration parseDuration(String text, String what) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    if (t.chars().allMatch(Character::isDigit) && !t.isEmpty()) {
      throw new IllegalArgumentException(
          what + " needs a unit: " + t + "s, " + t + "m or " + t + "h, not a bare '" + text + "'");
    }
    if (!DURATION.matcher(t).matches()) {
      throw new IllegalArgumentException(
          what + " must be a duration such as 90s, 10m, 2h, 1h30m, 7d or 1w, not '" + text + "'");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(t);
    while (m.find()) {
      // Eleven digits or more of any unit is past the longest: no overflow to go through.
      if (m.group(1).length() > 10) {
        throw tooLong(what, text);
      }
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
              });
      if (total.compareTo(LONGEST) > 0) {
        throw tooLong(what, text);
      }
    }
    return total;
  }

  private static IllegalArgumentException tooLong(String what, String text) {
    return new IllegalArgumentException(what + " must be at most 3650d, not '" + text + "'");
  }

  /**
   * Parses an absolute time: an RFC 3339 instant ({@code 2026-11-23T20:15:00Z}), a local date-time
   * ({@code 2026-11-23T20:15} or {@code "2026-11-23 20:15"}) or a date ({@code 2026-11-23}, its
   * start), local forms in {@code zone}; or a duration back from now ({@code 7d}).
   *
   * @throws IllegalArgumentException saying which forms are accepted
   */
  public static Instant parseTime(String text, String what, Instant now, ZoneId zone) {
    String t = text == null ? "" : text.strip();
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException notInstant) {
      // try the next form
    }
    try {
      return LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant();
    } catch (DateTimeParseException notLocal) {
      // try the next form
    }
    try {
      return LocalDate.parse(t).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException notDate) {
      // try the next form
    }
    if (DURATION.matcher(t.toLowerCase(Locale.ROOT)).matches()) {
      return now.minus(parseDuration(t, what));
    }
    throw new IllegalArgumentException(
        what
            + " must be a time such as 2026-11-23T20:15:00Z, 2026-11-23T20:15, 2026-11-23, or a"
            + " duration back from now such as 7d, not '"
            + text
            + "'");
  }
}
