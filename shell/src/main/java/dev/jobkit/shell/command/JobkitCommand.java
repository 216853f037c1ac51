package dev.jobkit.shell.command;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.shell.core.command.AbstractCommand;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.CommandOption;
import org.springframework.shell.core.command.ExitStatus;
import org.springframework.shell.core.command.completion.CompletionProposal;

/**
 * A Spring Shell command of jobkit: declared options and arguments, an action that translates them
 * into SDK calls and renders the answer, and the one exception mapper ({@link Exits}) between the
 * action and the exit code.
 */
public final class JobkitCommand extends AbstractCommand {

  /** What the command does; returns the exit code. */
  @FunctionalInterface
  public interface Action {
    /** Runs the command. */
    int run(Invocation invocation) throws Exception;
  }

  private final Session session;
  private final List<Opt> opts;
  private final String arguments;
  private final List<Function<Session, List<CompletionProposal>>> argumentValues;
  private final boolean lastValuesRepeat;
  private final String examples;
  private final boolean trailing;
  private final Action action;

  private JobkitCommand(Builder b) {
    super(b.name, b.description, b.group);
    this.session = b.session;
    this.opts = List.copyOf(b.opts);
    this.arguments = b.arguments;
    this.argumentValues = b.argumentValues;
    this.lastValuesRepeat = b.lastValuesRepeat;
    this.examples = b.examples;
    this.trailing = b.trailing;
    this.action = b.action;
    setAliases(List.copyOf(b.aliases));
    List<CommandOption> options = new ArrayList<>();
    for (Opt o : opts) {
      options.add(
          CommandOption.with()
              .longName(o.name())
              .shortName(o.shortName())
              .description(o.description())
              .required(false)
              .type(o.isFlag() ? boolean.class : String.class)
              .build());
    }
    setOptions(options);
  }

  /** Starts a command named {@code name} ("job list"). */
  public static Builder named(String name, Session session) {
    return new Builder(name, session);
  }

  /** Its options. */
  public List<Opt> opts() {
    return opts;
  }

  /** The option called {@code name} (long or short form without dashes), or null. */
  public Opt opt(String name) {
    for (Opt o : opts) {
      if (o.name().equals(name) || (name.length() == 1 && o.shortName() == name.charAt(0))) {
        return o;
      }
    }
    return null;
  }

  /**
   * What completion proposes for its positional argument at {@code position} (0 for the first), or
   * null for nothing.
   */
  public Function<Session, List<CompletionProposal>> argumentValues(int position) {
    if (position < argumentValues.size()) {
      return argumentValues.get(position);
    }
    return lastValuesRepeat && !argumentValues.isEmpty()
        ? argumentValues.get(argumentValues.size() - 1)
        : null;
  }

  /** Whether everything after its first argument is an argument ({@code job submit CMD ARGS}). */
  public boolean trailingArguments() {
    return trailing;
  }

  /** Whether it takes positional arguments. */
  public boolean takesArguments() {
    return arguments != null;
  }

  @Override
  public String getHelp() {
    StringBuilder b = new StringBuilder();
    b.append(getName()).append(" - ").append(getDescription()).append("\n\n");
    b.append("Usage: ").append(getName());
    if (!opts.isEmpty()) {
      b.append(" [options]");
    }
    if (arguments != null) {
      b.append(" ").append(arguments);
    }
    b.append("\n");
    if (!getAliases().isEmpty()) {
      b.append("Alias: ").append(String.join(", ", getAliases())).append("\n");
    }
    if (!opts.isEmpty()) {
      b.append("\nOptions:\n");
      int width = opts.stream().mapToInt(o -> o.synopsis().length()).max().orElse(0);
      for (Opt o : opts) {
        b.append("  ")
            .append(o.synopsis())
            .append(" ".repeat(width - o.synopsis().length() + 2))
            .append(o.description())
            .append(o.repeatable() ? " (repeatable)" : "")
            .append("\n");
      }
    }
    if (examples != null) {
      b.append("\nExamples:\n").append(examples.stripTrailing()).append("\n");
    }
    return b.toString().stripTrailing();
  }

  @Override
  public ExitStatus doExecute(CommandContext context) {
    try {
      int code = action.run(new Invocation(this, context, session));
      context.outputWriter().flush();
      return code == 0 ? ExitStatus.OK : new ExitStatus(code, "exit code " + code);
    } catch (Exception e) {
      context.outputWriter().flush();
      return fail(e);
    }
  }

  private ExitStatus fail(Exception e) {
    Exits.Failure failure = Exits.of(e);
    session.err().println(session.style().red("error: ") + failure.message());
    if (System.getenv("JOBKIT_DEBUG") != null) {
      e.printStackTrace(session.err());
    }
    session.err().flush();
    return new ExitStatus(failure.code(), failure.message());
  }

  /** Builds a {@link JobkitCommand}. */
  public static final class Builder {
    private final String name;
    private final Session session;
    private String description = "";
    private String group = "";
    private final List<String> aliases = new ArrayList<>();
    private final List<Opt> opts = new ArrayList<>();
    private String arguments;
    private List<Function<Session, List<CompletionProposal>>> argumentValues = List.of();
    private boolean lastValuesRepeat;
    private String examples;
    private boolean trailing;
    private Action action;

    private Builder(String name, Session session) {
      this.name = name;
      this.session = session;
    }

    /** One line saying what it does. */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** The group it is listed under in help. */
    public Builder group(String group) {
      this.group = group;
      return this;
    }

    /** Another name for it ("job cancel"). */
    public Builder alias(String alias) {
      aliases.add(alias);
      return this;
    }

    /** An option. */
    /** More options, in this order. */
    public Builder options(java.util.List<Opt> more) {
      more.forEach(this::option);
      return this;
    }

    public Builder option(Opt opt) {
      opts.add(opt);
      return this;
    }

    /** Its positional arguments as written in help ({@code ID}), and what completes them. */
    public Builder arguments(String synopsis, Function<Session, List<CompletionProposal>> values) {
      this.arguments = synopsis;
      this.argumentValues = values == null ? List.of() : List.of(values);
      this.lastValuesRepeat = true;
      return this;
    }

    /**
     * Its positional arguments as written in help ({@code NAME serial|parallel}), and what
     * completes each of them, in order (null: nothing); none for the ones after them.
     */
    public Builder argumentsByPosition(
        String synopsis, List<Function<Session, List<CompletionProposal>>> valuesByPosition) {
      this.arguments = synopsis;
      this.argumentValues = valuesByPosition;
      this.lastValuesRepeat = false;
      return this;
    }

    /** Everything after the first argument is an argument too, even if it starts with '-'. */
    public Builder trailingArguments() {
      this.trailing = true;
      return this;
    }

    /** Example lines for help. */
    public Builder examples(String examples) {
      this.examples = examples;
      return this;
    }

    /** What it does. */
    public JobkitCommand action(Action action) {
      this.action = action;
      return new JobkitCommand(this);
    }
  }
}
