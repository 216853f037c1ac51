package dev.jobkit.shell;

import java.io.IOException;
import java.util.function.IntSupplier;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The width of the terminal a one-shot command prints on, from a JLine terminal opened on the first
 * table (a command that prints none never pays for it) and asked again at every table, so a window
 * resized during {@code job watch} counts from its next redraw. 0 when JLine finds no terminal.
 */
final class TerminalWidth implements IntSupplier, AutoCloseable {

  private Terminal terminal;
  private boolean opened;

  @Override
  public synchronized int getAsInt() {
    if (!opened) {
      opened = true;
      try {
        // No signal handlers: Ctrl-C keeps ending a one-shot command as it did without JLine. No
        // dumb fallback: a dumb terminal has no width, and JLine would warn about it on stderr.
        terminal = TerminalBuilder.builder().system(true).nativeSignals(false).dumb(false).build();
      } catch (IOException | RuntimeException noTerminal) {
        terminal = null;
      }
    }
    return terminal == null ? 0 : Math.max(0, terminal.getWidth());
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
