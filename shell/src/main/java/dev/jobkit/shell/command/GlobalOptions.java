package dev.jobkit.shell.command;

import java.util.List;

/**
 * The options that come before the command ({@code jobkit --server URL job list}): what {@code
 * Main} reads and what the completion scripts skip and propose, from this one list.
 */
public final class GlobalOptions {

  /** The options that take a value, as {@code --server URL} or {@code --server=URL}. */
  public static final List<String> WITH_VALUE =
      List.of("--server", "--context", "--api-key", "--data-dir");

  /** The options that take none. */
  public static final List<String> FLAGS = List.of("--no-color", "--help", "--version");

  private GlobalOptions() {}
}
