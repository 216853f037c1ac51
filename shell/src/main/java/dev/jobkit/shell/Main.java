package dev.jobkit.shell;

import dev.jobkit.shell.command.Dispatcher;
import dev.jobkit.shell.command.Exits;
import dev.jobkit.shell.command.GlobalOptions;
import dev.jobkit.shell.command.Session;
import dev.jobkit.shell.local.Connection;
import dev.jobkit.shell.local.LocalService;
import dev.jobkit.shell.render.Style;
import java.io.BufferedReader;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code jobkit}: with a command, runs it once and exits with its code (for scripts); without one,
 * an interactive shell on a terminal, or the commands of stdin one per line when stdin is not a
 * terminal. {@code jobkit mcp} is the MCP server over stdio; {@code jobkit worker} an external
 * worker ({@link WorkerLauncher}).
 *
 * <p>Global options, before the command: {@code --server URL} (else {@code JOBKIT_URL}, the config
 * file, or the local service), {@code --context NAME} (a named connection of the config file, else
 * {@code JOBKIT_CONTEXT}), {@code --api-key KEY} (else {@code JOBKIT_API_KEY}), {@code --data-dir
 * DIR} (else {@code JOBKIT_HOME}, else {@code ~/.jobkit}), {@code --no-color}.
 */
public final class Main {

  /**
   * The hidden command the completion scripts call for values: {@code jobkit __complete WORD...
   * CURRENT} prints what Tab proposes, one a line ({@code CompletionScript}).
   */
  static final String COMPLETE = "__complete";

  /**
   * The command groups whose every command calls the service: a one-shot command of one of them
   * starts connecting while its arguments are parsed, when that starts no service.
   */
  private static final Set<String> CALLS_THE_SERVICE =
      Set.of("app", "dataset", "job", "me", "user", "webhook");

  private Main() {}

  /** The entry point. */
  public static void main(String[] args) {
    // Before anything else is loaded or printed: the MCP server owns stdout.
    if (args.length > 0 && args[0].equals("mcp")) {
      System.exit(McpLauncher.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length == 1 && args[0].equals("--cds-training")) {
      try {
        System.exit(CdsTraining.run());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    int code = run(args);
    endHttpSelectorThreads();
    System.exit(code);
  }

  /**
   * Java 17's exit waits up to 300 ms for threads blocked in native code, and the selector thread
   * of the JDK's HttpClient (which has no close() before Java 21) is one: interrupting it ends it,
   * which takes a third off a one-shot command.
   */
  static void endHttpSelectorThreads() {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) {
        t.interrupt();
        try {
          t.join(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  static int run(String[] args) {
    PrintWriter err = writer(FileDescriptor.err);
    Map<String, String> globals = new HashMap<>();
    boolean noColor = false;
    int i = 0;
    try {
      for (; i < args.length && args[i].startsWith("--"); i++) {
        String a = args[i];
        int eq = a.indexOf('=');
        String name = eq < 0 ? a : a.substring(0, eq);
        if (GlobalOptions.WITH_VALUE.contains(name)) {
          if (eq < 0 && i + 1 >= args.length) {
            throw new IllegalArgumentException(a + " needs a value");
          }
          globals.put(name, eq < 0 ? args[++i] : a.substring(eq + 1));
        } else if (a.equals("--no-color")) {
          noColor = true;
        } else if (a.equals("--help")) {
          args[i] = "help";
          break;
        } else if (a.equals("--version")) {
          args[i] = "version";
          break;
        } else {
          break; // a command's option, such as a mistaken 'jobkit --status': let the parser say
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return Exits.USAGE;
    }
    String server = globals.get("--server");
    String apiKey = globals.get("--api-key");
    String context = globals.get("--context");
    Path dataDir =
        globals.containsKey("--data-dir")
            ? Paths.get(globals.get("--data-dir"))
            : LocalService.defaultDataDir();
    // --api-key is JOBKIT_API_KEY for this run: the same key everywhere it connects.
    Map<String, String> env = System.getenv();
    if (apiKey != null) {
      if (apiKey.isBlank()) {
        err.println("error: --api-key needs a key, not an empty value");
        err.flush();
        return Exits.USAGE;
      }
      env = new HashMap<>(env);
      env.put("JOBKIT_API_KEY", apiKey);
    }
    // --context is JOBKIT_CONTEXT for this run: a named connection of the config file.
    if (context != null) {
      env = new HashMap<>(env);
      env.put("JOBKIT_CONTEXT", context);
    }
    List<String> command = Arrays.asList(args).subList(i, args.length);
    if (!command.isEmpty() && command.get(0).equals("worker")) {
      return WorkerLauncher.run(command.subList(1, command.size()), server, env, err);
    }
    Console console = System.console();
    if (command.isEmpty() && console != null) {
      return InteractiveShell.run(server, dataDir, env, noColor);
    }
    PrintWriter out = writer(FileDescriptor.out);
    Style style = Style.forOutput(console != null, noColor, System.getenv("NO_COLOR"));
    Session.Asker asker = console == null ? null : prompt -> console.readLine("%s", prompt);
    try (TerminalSize size = new TerminalSize();
        Session session =
            new Session(server, dataDir, env, out, err, style, asker, console != null)) {
      if (console != null) {
        session.terminalFrom(size::width, size::height);
        session.terminalFrom(size::terminal);
      }
      if (!command.isEmpty()
          && CALLS_THE_SERVICE.contains(command.get(0))
          && Connection.startsNothing(server, dataDir, env)) {
        session.connectInBackground(); // while the commands are made and this one is parsed
      }
      Dispatcher dispatcher = new Dispatcher(session);
      if (!command.isEmpty() && command.get(0).equals(COMPLETE)) {
        if (command.size() < 2) {
          err.println("error: " + COMPLETE + " needs the words typed and the current word");
          return Exits.USAGE;
        }
        if (Connection.withoutStart(server, dataDir, env)) {
          session.connectInBackground();
        }
        return dispatcher.complete(
            command.subList(1, command.size() - 1), command.get(command.size() - 1));
      }
      if (!command.isEmpty()) {
        return dispatcher.run(command);
      }
      return script(dispatcher);
    }
  }

  /** Commands from a non-terminal stdin, one per line; stops at the first that fails. */
  private static int script(Dispatcher dispatcher) {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        if (trimmed.equals("exit") || trimmed.equals("quit")) {
          return Exits.OK;
        }
        int code = dispatcher.run(trimmed);
        if (code != Exits.OK) {
          return code;
        }
      }
      return Exits.OK;
    } catch (IOException e) {
      dispatcher.session().err().println("error: cannot read the commands from stdin: " + e);
      return Exits.ERROR;
    }
  }

  private static PrintWriter writer(FileDescriptor fd) {
    return new PrintWriter(
        new OutputStreamWriter(new FileOutputStream(fd), StandardCharsets.UTF_8), true);
  }
}
