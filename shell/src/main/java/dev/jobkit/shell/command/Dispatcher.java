package dev.jobkit.shell.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.shell.core.InputReader;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.shell.core.command.ParsedInput;

/**
 * The commands of one shell run in Spring Shell's {@link CommandRegistry}, and the single way a
 * line or an argv becomes an executed command and an exit code (interactive and one-shot alike).
 */
public final class Dispatcher {

  private final Session session;
  private final CommandRegistry registry = new CommandRegistry();
  private final ArgvParser parser = new ArgvParser(registry);

  /** Every jobkit command, for {@code session}. */
  public Dispatcher(Session session) {
    this.session = session;
    JobCommands.all(session).forEach(registry::registerCommand);
    AppCommands.all(session).forEach(registry::registerCommand);
    DataCommands.all(session).forEach(registry::registerCommand);
    WebhookCommands.all(session).forEach(registry::registerCommand);
    UserCommands.all(session).forEach(registry::registerCommand);
    ServiceCommands.all(session).forEach(registry::registerCommand);
    ContextCommands.all(session).forEach(registry::registerCommand);
    ShellCommands.all(session, registry).forEach(registry::registerCommand);
    registry.registerCommand(help());
  }

  /** The registry (for completion). */
  public CommandRegistry registry() {
    return registry;
  }

  /** The session. */
  public Session session() {
    return session;
  }

  /** Runs one typed line; returns its exit code. */
  public int run(String line) {
    List<String> words;
    try {
      words = ArgvParser.split(line);
    } catch (UsageException e) {
      return usage(e);
    }
    return run(words);
  }

  /** Runs one command given as words; returns its exit code. */
  public int run(List<String> words) {
    if (words.size() == 1
        && !parser.subcommands(words.get(0)).isEmpty()
        && registry.getCommandByName(words.get(0)) == null) {
      session.out().println(groupHelp(words.get(0)));
      session.out().flush();
      return Exits.OK;
    }
    ParsedInput input;
    try {
      input = parser.parse(words);
    } catch (UsageException e) {
      return usage(e);
    }
    String name =
        input.subCommands().isEmpty()
            ? input.commandName()
            : input.commandName() + " " + String.join(" ", input.subCommands());
    Command command = registry.getCommandByName(name);
    try {
      ExitStatus status =
          command.execute(new CommandContext(input, registry, session.out(), new InputReader() {}));
      session.out().flush();
      // Spring Shell's own statuses are negative; the shell's exit codes are not.
      return status.code() >= 0 ? status.code() : Exits.ERROR;
    } catch (Exception e) {
      Exits.Failure failure = Exits.of(e);
      session.err().println(session.style().red("error: ") + failure.message());
      session.err().flush();
      return failure.code();
    }
  }

  /**
   * What Tab proposes for {@code current} after {@code before}, one value a line: the answer to
   * {@code jobkit __complete WORD... CURRENT}, which the completion scripts of bash and zsh call
   * for values (job ids, statuses, user names). Job ids only when a service is already there.
   */
  public int complete(List<String> before, String current) {
    Completions.propose(registry, session, before, current)
        .forEach(p -> session.out().println(p.value()));
    session.out().flush();
    return Exits.OK;
  }

  private int usage(UsageException e) {
    session.err().println(session.style().red("error: ") + e.getMessage());
    session.err().flush();
    return Exits.USAGE;
  }

  private JobkitCommand help() {
    return JobkitCommand.named("help", session)
        .group("Shell")
        .description("Show the commands, or one command's options")
        // Completion proposes command words after it (Completions.propose), not these values.
        .arguments("[COMMAND]", null)
        .action(
            in -> {
              List<String> args = in.arguments();
              if (args.isEmpty()) {
                in.out().println(overview());
                return Exits.OK;
              }
              String name = String.join(" ", args);
              Command command = registry.getCommandByName(name);
              if (command != null) {
                in.out().println(command.getHelp());
                return Exits.OK;
              }
              if (!parser.subcommands(name).isEmpty()) {
                in.out().println(groupHelp(name));
                return Exits.OK;
              }
              throw new UsageException("no command '" + name + "'; 'help' lists them");
            });
  }

  private String groupHelp(String group) {
    StringBuilder b = new StringBuilder();
    List<Command> commands = new ArrayList<>(registry.getCommandsByPrefix(group + " "));
    commands.sort(Comparator.comparing(Command::getName));
    int width = commands.stream().mapToInt(c -> c.getName().length()).max().orElse(0);
    for (Command c : commands) {
      b.append("  ")
          .append(c.getName())
          .append(" ".repeat(width - c.getName().length() + 2))
          .append(c.getDescription())
          .append("\n");
    }
    b.append("\n'help ").append(group).append(" <command>' shows its options.");
    return b.toString();
  }

  private String overview() {
    Map<String, List<Command>> groups = new LinkedHashMap<>();
    for (String g : List.of("Jobs", "Apps", "Data", "Users", "Service", "Shell")) {
      groups.put(g, new ArrayList<>());
    }
    for (Command c : registry.getCommands()) {
      groups.computeIfAbsent(c.getGroup(), g -> new ArrayList<>()).add(c);
    }
    int width =
        registry.getCommands().stream()
            .mapToInt(c -> c.getName().length() + aliases(c).length())
            .max()
            .orElse(0);
    StringBuilder b = new StringBuilder();
    groups.forEach(
        (group, commands) -> {
          if (commands.isEmpty() && !group.equals("Shell")) {
            return;
          }
          b.append(session.style().bold(group)).append("\n");
          commands.sort(Comparator.comparing(Command::getName));
          for (Command c : commands) {
            String name = c.getName() + aliases(c);
            b.append("  ")
                .append(name)
                .append(" ".repeat(width - name.length() + 2))
                .append(c.getDescription())
                .append("\n");
          }
          if (group.equals("Shell")) {
            b.append("  exit, quit")
                .append(" ".repeat(Math.max(2, width - 8)))
                .append("Leave the shell (the service and its jobs keep running)\n");
          }
        });
    b.append("\n'help <command>' shows its options; Tab completes commands, options, job ids.");
    return b.toString();
  }

  private static String aliases(Command c) {
    return c.getAliases().isEmpty() ? "" : " (" + String.join(", ", c.getAliases()) + ")";
  }
}
