package dev.jobkit.shell;

import java.io.IOException;
import java.util.Optional;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The size of the terminal a one-shot command prints on, from a JLine terminal opened on the first
 * table (a command that prints none never pays for it) and asked again at every table, so a window
 * resized during {@code job watch} counts from its next redraw. 0 when JLine finds no terminal.
 */
final class TerminalSize implements AutoCloseable {

  private Terminal terminal;
  private boolean opened;

  /** The width in columns; 0 without a terminal. */
  synchronized int width() {
    Terminal t = open();
    return t == null ? 0 : Math.max(0, t.getWidth());
  }

  /** The height in lines; 0 without a terminal. */
  synchronized int height() {
    Terminal t = open();
    return t == null ? 0 : Math.max(0, t.getHeight());
  }

  /** The terminal itself, for a command that takes it over; empty without one. */
  synchronized Optional<Terminal> terminal() {
    return Optional.ofNullable(open());
  }

  private Terminal open() {
    if (!opened) {
      opened = true;
      try {
        // No signal handlers: Ctrl-C keeps ending a one-shot command as it did without JLine. No
        // dumb fallback: a dumb terminal has no size, and JLine would warn about it on stderr.
        terminal = TerminalBuilder.builder().system(true).nativeSignals(false).dumb(false).build();
      } catch (IOException | RuntimeException noTerminal) {
        terminal = null;
      }
    }
    return terminal;
  }

  @Override
  public synchronized void close() {
    if (terminal != null) {
      try {
        terminal.close();
      } catch (IOException e) {
        // The command has printed all it had to; a terminal that does not close changes nothing.
      }
    }
  }
}
