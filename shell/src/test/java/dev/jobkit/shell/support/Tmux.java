package dev.jobkit.shell.support;

import static org.awaitility.Awaitility.await;

import dev.jobkit.server.support.ServiceThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real terminal for tests: a tmux session (its own server socket, so tests never meet a user's
 * tmux) running a command in a pseudo-terminal; keys are sent, the screen is read back, and waits
 * are on screen text, never on time.
 */
public final class Tmux implements AutoCloseable {

  private final String socket = "jobkit-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final String session = "shell";

  private Tmux() {}

  /** Starts {@code command} (a shell command line) in a 200x50 terminal with {@code env} set. */
  public static Tmux start(Map<String, String> env, String command) {
    return start(env, command, 200, 50);
  }

  /**
   * Starts {@code command} (a shell command line) in a terminal of {@code columns} x {@code rows}
   * with {@code env} set.
   */
  public static Tmux start(Map<String, String> env, String command, int columns, int rows) {
    Tmux tmux = new Tmux();
    List<String> args =
        new ArrayList<>(
            List.of(
                "new-session",
                "-d",
                "-s",
                tmux.session,
                "-x",
                String.valueOf(columns),
                "-y",
                String.valueOf(rows)));
    StringBuilder line = new StringBuilder("env");
    env.forEach((k, v) -> line.append(' ').append(k).append('=').append(quote(v)));
    line.append(' ').append(command);
    // Keep the pane after the command exits, so its last words can still be read.
    line.append("; echo \"[exited $?]\"; sleep 600");
    args.add(line.toString());
    tmux.tmux(args.toArray(String[]::new));
    return tmux;
  }

  /** Types {@code text} literally. */
  public Tmux type(String text) {
    tmux("send-keys", "-t", session, "-l", text);
    return this;
  }

  /** Presses Enter. */
  public Tmux enter() {
    tmux("send-keys", "-t", session, "Enter");
    return this;
  }

  /** Presses Tab. */
  public Tmux tab() {
    tmux("send-keys", "-t", session, "Tab");
    return this;
  }

  /** Presses Ctrl-C: the terminal sends SIGINT to the foreground process (or JLine reads it). */
  public Tmux ctrlC() {
    tmux("send-keys", "-t", session, "C-c");
    return this;
  }

  /** Presses a key by its tmux name ({@code C-]}, {@code Escape}). */
  public Tmux key(String name) {
    tmux("send-keys", "-t", session, name);
    return this;
  }

  /** Presses arrow-up (the previous history entry at a prompt). */
  public Tmux up() {
    tmux("send-keys", "-t", session, "Up");
    return this;
  }

  /** Types a line and presses Enter. */
  public Tmux line(String text) {
    return type(text).enter();
  }

  /** The screen and its scrollback, wrapped lines joined. */
  public String screen() {
    return tmux("capture-pane", "-p", "-J", "-S", "-2000", "-t", session);
  }

  /** Waits until the screen contains {@code text}; returns the screen. */
  public String awaitText(String text, Duration timeout) {
    String[] last = {""};
    try {
      await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                last[0] = screen();
                return last[0].contains(text);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "'"
              + text
              + "' did not appear on the screen:\n"
              + last[0].strip()
              + ServiceThreads.describe(),
          e);
    }
    return last[0];
  }

  /** Waits until the screen contains {@code text} {@code count} times. */
  public String awaitCount(String text, int count, Duration timeout) {
    String[] last = {""};
    try {
      await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                last[0] = screen();
                return occurrences(last[0], text) >= count;
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "'"
              + text
              + "' did not appear "
              + count
              + " times on the screen:\n"
              + last[0].strip()
              + ServiceThreads.describe(),
          e);
    }
    return last[0];
  }

  /** The first match of group 1 of {@code regex} on the screen after {@code after}. */
  public String find(String regex, String after) {
    String screen = screen();
    int from = after == null ? 0 : screen.lastIndexOf(after);
    Matcher m = Pattern.compile(regex).matcher(screen.substring(Math.max(0, from)));
    if (!m.find()) {
      throw new AssertionError("no match of " + regex + " on the screen:\n" + screen);
    }
    return m.group(1);
  }

  /** How often {@code text} occurs in {@code s}. */
  public static int occurrences(String s, String text) {
    int n = 0;
    for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + text.length())) {
      n++;
    }
    return n;
  }

  @Override
  public void close() {
    tmux("kill-server");
  }

  private String tmux(String... args) {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("tmux " + args[0] + " hung");
      }
      if (p.exitValue() != 0 && !args[0].equals("kill-server")) {
        throw new IllegalStateException("tmux " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code s} quoted for /bin/sh. */
  public static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
