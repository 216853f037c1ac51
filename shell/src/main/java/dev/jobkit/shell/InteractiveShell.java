package dev.jobkit.shell;

import dev.jobkit.sdk.users.User;
import dev.jobkit.shell.command.Dispatcher;
import dev.jobkit.shell.command.Exits;
import dev.jobkit.shell.command.Session;
import dev.jobkit.shell.render.Style;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive shell: a JLine prompt with history (in the data dir), completion and colour. The
 * prompt shows at once; the connection (and the start of the local service, ~6 s) happens in the
 * background, and the first command that needs it waits for it.
 */
final class InteractiveShell {

  private InteractiveShell() {}

  static int run(String server, Path dataDir, Map<String, String> env, boolean noColor) {
    Terminal terminal;
    try {
      terminal = TerminalBuilder.builder().name("jobkit").system(true).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the terminal", e);
    }
    try (terminal) {
      Style style =
          Style.forOutput(
              !Terminal.TYPE_DUMB.equals(terminal.getType()), noColor, System.getenv("NO_COLOR"));
      PrintWriter out = terminal.writer();
      LineReader[] holder = new LineReader[1];
      AtomicBoolean answering = new AtomicBoolean();
      Session.Asker asker =
          prompt -> {
            // An answer (yes, no) is not a command: arrow-up must not bring it back, and Tab
            // proposes the answers, not commands.
            holder[0].setVariable(LineReader.DISABLE_HISTORY, true);
            answering.set(true);
            try {
              return holder[0].readLine(prompt);
            } catch (UserInterruptException | EndOfFileException no) {
              return null;
            } finally {
              answering.set(false);
              holder[0].setVariable(LineReader.DISABLE_HISTORY, false);
            }
          };
      try (Session session = new Session(server, dataDir, env, out, out, style, asker, true)) {
        session.terminalFrom(terminal::getWidth, terminal::getHeight);
        session.terminalFrom(() -> Optional.of(terminal));
        Dispatcher dispatcher = new Dispatcher(session);
        DefaultParser parser = new DefaultParser();
        parser.setEofOnUnclosedQuote(true);
        LineReader reader =
            LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("jobkit")
                .completer(new CommandCompleter(dispatcher, answering::get))
                .parser(parser)
                .variable(LineReader.HISTORY_FILE, historyFile(dataDir))
                .build();
        reader.unsetOpt(LineReader.Option.INSERT_TAB);
        if (reader instanceof org.jline.reader.impl.LineReaderImpl impl) {
          impl.setCompletionMatcher(new CommandCompleter.JobNameMatcher());
        }
        holder[0] = reader;
        session.onNotice(message -> reader.printAbove(style.dim(message)));
        out.println(
            style.bold("jobkit")
                + " shell. 'help' lists the commands, Tab completes, 'exit' leaves (jobs keep"
                + " running).");
        out.flush();
        session
            .connectInBackground()
            .thenAcceptAsync(
                connected -> {
                  try {
                    User me = connected.client().users().me();
                    if (!session.showConnectionOnce()) {
                      return; // a status command has shown it already
                    }
                    reader.printAbove(
                        style.dim(
                            "connected to "
                                + connected.connection().baseUrl()
                                + " as "
                                + me.name()
                                + " ("
                                + me.role().name().toLowerCase(Locale.ROOT)
                                + ", "
                                + connected.connection().source()
                                + ")"));
                  } catch (RuntimeException e) {
                    reader.printAbove(style.red("error: ") + Exits.of(e).message());
                  }
                })
            .exceptionally(
                failure -> {
                  reader.printAbove(
                      style.red("error: ")
                          + Exits.of(failure.getCause() != null ? failure.getCause() : failure)
                              .message());
                  return null;
                });
        Thread main = Thread.currentThread();
        // Ctrl-C while a command runs (watch, logs --follow, --wait) stops that command, not the
        // shell; while typing, JLine turns it into UserInterruptException. The terminal has echoed
        // '^C' where the cursor was: end that line, or the command's last words and the next
        // prompt would follow it on the same line.
        terminal.handle(
            Terminal.Signal.INT,
            signal -> {
              out.println();
              out.flush();
              main.interrupt();
            });
        String prompt = style.enabled() ? "\u001B[1;36mjobkit>\u001B[0m " : "jobkit> ";
        while (true) {
          String line;
          try {
            line = reader.readLine(prompt);
          } catch (UserInterruptException ctrlC) {
            continue;
          } catch (EndOfFileException ctrlD) {
            break;
          }
          String trimmed = line.strip();
          if (trimmed.isEmpty()) {
            continue;
          }
          if (trimmed.equals("exit") || trimmed.equals("quit")) {
            break;
          }
          dispatcher.run(trimmed);
          Thread.interrupted(); // a Ctrl-C that arrived as the command ended is spent
        }
        try {
          reader.getHistory().save();
        } catch (IOException e) {
          out.println(style.dim("(history not saved: " + e.getMessage() + ")"));
        }
        return Exits.OK;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path historyFile(Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data dir " + dataDir, e);
    }
    return dataDir.resolve("shell_history");
  }
}
