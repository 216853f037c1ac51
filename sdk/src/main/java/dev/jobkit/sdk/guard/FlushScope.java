package dev.jobkit.sdk.guard;

import java.util.Locale;

/** Which jobs a flush hits. */
public enum FlushScope {
  /** Every job that has not ended: they are stopped, then removed. */
  ACTIVE,
  /** Every job: active ones are stopped, then all are removed. */
  ALL;

  /**
   * The name of this scope in the API.
   *
   * @return the lower-case name ({@code "active"}), as the flush request carries it
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
