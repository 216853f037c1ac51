package dev.jobkit.sdk.users;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How many of a user's jobs may run at once. */
public enum SchedulingMode {
  /** At most one at a time. */
  SERIAL,
  /** Up to the service's parallel limit (3 unless configured otherwise). */
  PARALLEL;

  /**
   * The name the service reads and writes for this mode.
   *
   * @return the lower-case wire name ({@code "serial"})
   */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a mode by name, ignoring case.
   *
   * @param text a mode's name in any case, as a user or the service wrote it
   * @return the mode of that name
   * @throws IllegalArgumentException naming the valid modes
   */
  @JsonCreator
  public static SchedulingMode parse(String text) {
    for (SchedulingMode m : values()) {
      if (m.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown scheduling mode '" + text + "'; valid modes are serial, parallel");
  }
}
