package dev.jobkit.shell.command;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandArgument;
import org.springframework.shell.core.command.CommandOption;
import org.springframework.shell.core.command.CommandParser;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.core.command.ParsedInput;

/**
 * Turns a line (interactive) or an argv (one-shot, already split by the calling shell) into Spring
 * Shell's {@link ParsedInput}. Unlike Spring Shell 4.0's default parser it keeps single-quoted and
 * escaped text whole, keeps repeated options, and refuses an option the command does not have
 * instead of ignoring it.
 */
public final class ArgvParser implements CommandParser {

  private final CommandRegistry registry;

  /** A parser for the commands of {@code registry}. */
  public ArgvParser(CommandRegistry registry) {
    this.registry = registry;
  }

  @Override
  public ParsedInput parse(String line) {
    return parse(split(line));
  }

  /**
   * Parses words: the longest run of leading words that names a command, then its options and
   * arguments; everything after {@code --} is an argument.
   *
   * @throws UsageException for an unknown command or option, or an option without its value
   */
  public ParsedInput parse(List<String> words) {
    if (words.isEmpty()) {
      throw new UsageException("no command given; type 'help' to see the commands");
    }
    int nameLength = 0;
    Command command = null;
    for (int n = words.size(); n >= 1; n--) {
      Command c = registry.getCommandByName(String.join(" ", words.subList(0, n)));
      if (c != null) {
        command = c;
        nameLength = n;
        break;
      }
    }
    if (command == null) {
      throw unknownCommand(words);
    }
    List<String> name = List.of(command.getName().split(" "));
    ParsedInput.Builder b = ParsedInput.builder().commandName(name.get(0));
    name.subList(1, name.size()).forEach(b::addSubCommand);
    JobkitCommand jc = command instanceof JobkitCommand j ? j : null;
    List<String> rest = words.subList(nameLength, words.size());
    int index = 0;
    for (int i = 0; i < rest.size(); i++) {
      String word = rest.get(i);
      if (word.equals("--") || (index > 0 && jc != null && jc.trailingArguments())) {
        if (!word.equals("--")) {
          i--;
        }
        for (String arg : rest.subList(i + 1, rest.size())) {
          b.addArgument(new CommandArgument(index++, arg));
        }
        break;
      }
      if (word.startsWith("-") && word.length() > 1) {
        String body = word.startsWith("--") ? word.substring(2) : word.substring(1);
        String value = null;
        int eq = body.indexOf('=');
        if (eq >= 0) {
          value = body.substring(eq + 1);
          body = body.substring(0, eq);
        }
        if (body.equals("help") || body.equals("h")) {
          b.addOption(CommandOption.with().longName("help").shortName('h').value("true").build());
          continue;
        }
        Opt opt = jc == null ? null : jc.opt(body);
        if (opt == null && jc != null && !word.startsWith("--")) {
          // A short option's value may follow it in the same word, as in getopt: -owide, -n3,
          // -ojsonpath={.id} (the '=' there is the value's).
          Opt attached = jc.opt(word.substring(1, 2));
          if (attached != null && !attached.isFlag()) {
            opt = attached;
            value = word.substring(2);
            body = word.substring(1, 2);
          }
        }
        if (opt == null || (!word.startsWith("--") && body.length() != 1)) {
          throw unknownOption(command, jc, word, body);
        }
        if (opt.isFlag()) {
          if (value == null) {
            value = "true";
          }
        } else if (value == null) {
          if (i + 1 >= rest.size()) {
            throw new UsageException(
                "option --" + opt.name() + " needs a value (" + opt.valueName() + ")");
          }
          value = rest.get(++i);
        }
        b.addOption(
            CommandOption.with()
                .longName(opt.name())
                .shortName(opt.shortName())
                .value(value)
                .type(opt.isFlag() ? boolean.class : String.class)
                .build());
        continue;
      }
      b.addArgument(new CommandArgument(index++, word));
    }
    ParsedInput parsed = b.build();
    if (jc != null) {
      checkRepeats(jc, parsed);
      if (!jc.takesArguments() && !parsed.arguments().isEmpty()) {
        throw new UsageException(
            "'"
                + jc.getName()
                + "' takes no arguments, but got '"
                + parsed.arguments().get(0).value()
                + "'; see 'help "
                + jc.getName()
                + "'");
      }
    }
    return parsed;
  }

  /**
   * The usage error of words that name no command: the closest command named instead when there is
   * one ({@code job lsit}, {@code jbo list}), else the commands of the group, or 'help'.
   */
  private UsageException unknownCommand(List<String> words) {
    String first = words.get(0);
    String second = words.size() > 1 ? words.get(1) : null;
    if (!registry.getCommandsByPrefix(first + " ").isEmpty()) {
      String typed = second == null ? first : first + " " + second;
      List<String> close =
          second == null
              ? List.of()
              : Suggestions.closest(second, subcommandWords(first)).stream()
                  .map(w -> first + " " + w)
                  .toList();
      if (!close.isEmpty()) {
        return new UsageException(
            "unknown command '" + typed + "'" + Suggestions.didYouMean(close));
      }
      return new UsageException(
          "unknown command '"
              + typed
              + "'; the '"
              + first
              + "' commands are: "
              + String.join(", ", subcommands(first))
              + " (help "
              + first
              + " shows them)");
    }
    List<String> close = new ArrayList<>();
    boolean withSecond = false;
    for (String top : Suggestions.closest(first, subcommandWords(null))) {
      List<String> sub =
          second == null || registry.getCommandsByPrefix(top + " ").isEmpty()
              ? List.of()
              : Suggestions.closest(second, subcommandWords(top));
      if (sub.size() == 1) {
        close.add(top + " " + sub.get(0));
        withSecond = true;
      } else {
        close.add(top);
      }
    }
    if (!close.isEmpty()) {
      String typed = withSecond ? first + " " + second : first;
      return new UsageException("unknown command '" + typed + "'" + Suggestions.didYouMean(close));
    }
    return new UsageException("unknown command '" + first + "'; type 'help' to see the commands");
  }

  /**
   * The usage error of an option the command does not have: the closest of its options when one is
   * close ({@code --stauts}), else where to see them. A one-letter option gets no suggestion: every
   * option is "close" to it.
   */
  private static UsageException unknownOption(
      Command command, JobkitCommand jc, String word, String body) {
    List<String> close = List.of();
    if (body.length() > 1) {
      List<String> names = new ArrayList<>(List.of("help"));
      if (jc != null) {
        jc.opts().forEach(o -> names.add(o.name()));
      }
      close = Suggestions.closest(body, names).stream().map(n -> "--" + n).toList();
    }
    String hint =
        close.isEmpty() ? "; see 'help " + command.getName() + "'" : Suggestions.didYouMean(close);
    return new UsageException(
        "unknown option '" + word + "' for '" + command.getName() + "'" + hint);
  }

  /**
   * The words that may follow {@code group} (null: the first words of every command), aliases
   * included ({@code cancel} after {@code job}).
   */
  private List<String> subcommandWords(String group) {
    int depth = group == null ? 0 : group.split(" ").length;
    TreeSet<String> words = new TreeSet<>();
    for (Command c : registry.getCommands()) {
      List<String> names = new ArrayList<>(c.getAliases());
      names.add(c.getName());
      for (String name : names) {
        String[] parts = name.split(" ");
        if (parts.length > depth && (group == null || name.startsWith(group + " "))) {
          words.add(parts[depth]);
        }
      }
    }
    return new ArrayList<>(words);
  }

  private static void checkRepeats(JobkitCommand command, ParsedInput parsed) {
    for (Opt o : command.opts()) {
      long count = parsed.options().stream().filter(p -> o.name().equals(p.longName())).count();
      if (count > 1 && !o.repeatable() && !o.isFlag()) {
        throw new UsageException("option --" + o.name() + " may be given only once");
      }
    }
  }

  /** The names after {@code group} of the commands in that group ("list", "get", ...). */
  public List<String> subcommands(String group) {
    return registry.getCommandsByPrefix(group + " ").stream()
        .map(c -> c.getName().substring(group.length() + 1))
        .sorted()
        .toList();
  }

  /**
   * Splits a line into words like a POSIX shell does: whitespace separates; single quotes keep
   * everything; double quotes keep everything but {@code \"} and {@code \\}; a backslash outside
   * quotes escapes the next character.
   *
   * @throws UsageException for an unclosed quote
   */
  public static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\'
            && i + 1 < line.length()
            && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
          word.append(line.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        inWord = true;
        if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '\\' && i + 1 < line.length()) {
          word.append(line.charAt(++i));
        } else {
          word.append(c);
        }
      }
    }
    if (quote != 0) {
      throw new UsageException("unclosed " + (quote == '"' ? "double" : "single") + " quote");
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
