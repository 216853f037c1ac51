package dev.jobkit.sdk.workers;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Why an attempt failed, as a worker reports it with {@code fail}; the service decides from it what
 * happens next.
 */
public enum ErrorKind {
  /** The job's own code failed (a non-zero exit, an exception): retried while attempts remain. */
  USER,
  /**
   * The job cannot run as submitted (no such program, bad parameters): {@code FAILED} at once,
   * since a retry would fail the same way.
   */
  VALIDATION,
  /** The worker lacked something (disk, memory, a GPU): retried while attempts remain. */
  RESOURCE,
  /** The attempt ran past its {@code timeout_seconds}: {@code RUN_TIMEOUT}, then retried. */
  TIMEOUT,
  /** The worker or its machine failed: retried while attempts remain. */
  SYSTEM;

  /**
   * The name the service reads and writes for this kind.
   *
   * @return the lower-case wire name ({@code "user"})
   */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a kind by name, ignoring case.
   *
   * @param text a kind's name in any case
   * @return the kind of that name
   * @throws IllegalArgumentException naming the valid kinds
   */
  @JsonCreator
  public static ErrorKind parse(String text) {
    for (ErrorKind k : values()) {
      if (k.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown error kind '"
            + text
            + "'; valid kinds are user, validation, resource, timeout, system");
  }
}
