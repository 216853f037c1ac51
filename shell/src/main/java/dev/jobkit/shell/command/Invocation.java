package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.shell.render.Style;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.shell.core.command.CommandArgument;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.CommandOption;
import org.springframework.shell.core.command.ParsedInput;

/** One run of a command: its parsed options and arguments, typed, and the session. */
public final class Invocation {

  private final JobkitCommand command;
  private final ParsedInput input;
  private final PrintWriter out;
  private final Session session;

  Invocation(JobkitCommand command, CommandContext context, Session session) {
    this.command = command;
    this.input = context.parsedInput();
    this.out = context.outputWriter();
    this.session = session;
  }

  /** The command's name. */
  public String commandName() {
    return command.getName();
  }

  /** Whether flag {@code name} was given. */
  public boolean flag(String name) {
    return values(name).stream().anyMatch(v -> !v.equalsIgnoreCase("false"));
  }

  /** The value of option {@code name}, if given. */
  public Optional<String> string(String name) {
    List<String> values = values(name);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
  }

  /**
   * Every value of a repeatable option, comma-separated lists split ({@code --status running,queued
   * --status failed}).
   */
  public List<String> strings(String name) {
    List<String> all = new ArrayList<>();
    for (String v : values(name)) {
      for (String part : v.split(",")) {
        if (!part.isBlank()) {
          all.add(part.strip());
        }
      }
    }
    return all;
  }

  /**
   * Every value of a repeatable option as typed, commas kept ({@code --param tags=a,b} is one
   * value).
   */
  public List<String> raw(String name) {
    return values(name);
  }

  /** The long names of the options given, in their order (flags given as false included). */
  public List<String> optionNames() {
    return input.options().stream().map(CommandOption::longName).distinct().toList();
  }

  /** The integer value of option {@code name} between {@code min} and {@code max}, if given. */
  public Optional<Integer> integer(String name, int min, int max) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      int n = Integer.parseInt(raw.get().strip());
      if (n < min || n > max) {
        throw new UsageException(
            "--" + name + " must be between " + min + " and " + max + ", not " + n);
      }
      return Optional.of(n);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, not '" + raw.get() + "'");
    }
  }

  /** The positional arguments. */
  public List<String> arguments() {
    return input.arguments().stream().map(CommandArgument::value).toList();
  }

  /** The one positional argument {@code what} ("a job id"); a usage error if missing or extra. */
  public String argument(String what) {
    List<String> args = arguments();
    if (args.isEmpty()) {
      throw new UsageException(
          commandName() + " needs " + what + "; see 'help " + commandName() + "'");
    }
    if (args.size() > 1) {
      throw new UsageException(
          commandName() + " takes one argument (" + what + "), not " + args.size() + ": " + args);
    }
    return args.get(0);
  }

  /** The session. */
  public Session session() {
    return session;
  }

  /** The SDK client, connecting first if needed. */
  public JobkitClient client() {
    return session.client();
  }

  /** Where output goes: the command's output writer. */
  public PrintWriter out() {
    return out;
  }

  /** Colour. */
  public Style style() {
    return session.style();
  }

  /** The terminal's width in columns now; 0 when there is no terminal. */
  public int width() {
    return session.width();
  }

  /** Prints jobs, events and outcomes to {@link #out()}, in {@link #style()}. */
  Renderer render() {
    return new Renderer(out, session.style(), session::width, session::height);
  }

  /**
   * Prints to the session's error writer, in {@link #style()}: what must stay out of a pipe of the
   * output, such as the transitions beside a job's own output ({@code job submit --logs}).
   */
  Renderer renderErr() {
    return new Renderer(session.err(), session.style(), session::width, session::height);
  }

  private List<String> values(String name) {
    return input.options().stream()
        .filter(o -> name.equals(o.longName()))
        .map(CommandOption::value)
        .toList();
  }
}
