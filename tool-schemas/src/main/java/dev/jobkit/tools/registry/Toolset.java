package dev.jobkit.tools.registry;

import java.util.Locale;

/** The groups tools are offered in: a server can leave a whole group out of its tool list. */
public enum Toolset {
  /** Jobs: submit, read, wait for, stop, delete and flush them. Offered by default. */
  JOBS,
  /** Users and their scheduling modes; the service answers 403 to a key that is not an admin's. */
  ADMIN;

  /** The lower-case name used in configuration ({@code jobs}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The tool set of that name, ignoring case.
   *
   * @throws IllegalArgumentException naming the valid names
   */
  public static Toolset parse(String name) {
    for (Toolset set : values()) {
      if (set.wireName().equalsIgnoreCase(name.strip())) {
        return set;
      }
    }
    throw new IllegalArgumentException(
        "there is no tool set '" + name + "'; the tool sets are jobs and admin");
  }
}
