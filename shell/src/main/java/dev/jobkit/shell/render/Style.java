package dev.jobkit.shell.render;

import dev.jobkit.sdk.lifecycle.JobStatus;

/**
 * ANSI colour, on only for a terminal and never when {@code NO_COLOR} is set (no-color.org) or
 * {@code --no-color} is given.
 */
public final class Style {

  private final boolean enabled;

  private Style(boolean enabled) {
    this.enabled = enabled;
  }

  /** Colour if {@code terminal} and not switched off. */
  public static Style forOutput(boolean terminal, boolean noColorFlag, String noColorEnv) {
    return new Style(terminal && !noColorFlag && (noColorEnv == null || noColorEnv.isEmpty()));
  }

  /** No colour at all. */
  public static Style plain() {
    return new Style(false);
  }

  /** Whether colour is on. */
  public boolean enabled() {
    return enabled;
  }

  /** Bold. */
  public String bold(String s) {
    return wrap("1", s);
  }

  /** Dim, for secondary text. */
  public String dim(String s) {
    return wrap("2", s);
  }

  /** Red, for errors. */
  public String red(String s) {
    return wrap("31", s);
  }

  /** Green, for success. */
  public String green(String s) {
    return wrap("32", s);
  }

  /** Yellow, for warnings and questions. */
  public String yellow(String s) {
    return wrap("33", s);
  }

  /** Cyan, for ids. */
  public String cyan(String s) {
    return wrap("36", s);
  }

  /** A status, coloured by what it means. */
  public String status(JobStatus status) {
    if (status == null) {
      return "-";
    }
    String name = status.name();
    return switch (status) {
      case SUCCEEDED -> green(name);
      case FAILED, RUN_ERROR, RUN_TIMEOUT -> red(name);
      case CANCELED, CANCEL_REQUESTED -> yellow(name);
      case RUNNING -> cyan(name);
      default -> name;
    };
  }

  /** The width of {@code s} as shown (without escape sequences). */
  public static int visibleLength(String s) {
    return s.replaceAll("\u001B\\[[0-9;]*m", "").length();
  }

  private String wrap(String code, String s) {
    return enabled ? "\u001B[" + code + "m" + s + "\u001B[0m" : s;
  }
}
