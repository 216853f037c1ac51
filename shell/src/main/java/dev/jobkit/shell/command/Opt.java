package dev.jobkit.shell.command;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.springframework.shell.core.command.completion.CompletionProposal;

/**
 * One option of a command.
 *
 * @param name the long name, without {@code --}
 * @param shortName a one-letter name, or a blank
 * @param valueName the value's placeholder in help ({@code ID}, {@code N}); null for a flag
 * @param description what it does
 * @param repeatable whether it may be given more than once
 * @param values what completion proposes for its value, or null
 * @param valuesAfter what completion proposes for its value given the words typed after the command
 *     name (what {@code --param} proposes depends on {@code --app}), or null; wins over {@code
 *     values}
 */
public record Opt(
    String name,
    char shortName,
    String valueName,
    String description,
    boolean repeatable,
    Function<Session, List<CompletionProposal>> values,
    BiFunction<Session, List<String>, List<CompletionProposal>> valuesAfter) {

  /** A flag: present or not. */
  public static Opt flag(String name, String description) {
    return new Opt(name, ' ', null, description, false, null, null);
  }

  /** An option with a value. */
  public static Opt value(String name, String valueName, String description) {
    return new Opt(name, ' ', valueName, description, false, null, null);
  }

  /** The same with a short name. */
  public Opt shortName(char c) {
    return new Opt(name, c, valueName, description, repeatable, values, valuesAfter);
  }

  /** The same, allowed more than once. */
  public Opt many() {
    return new Opt(name, shortName, valueName, description, true, values, valuesAfter);
  }

  /** The same, completing its value with {@code proposals}. */
  public Opt completes(Function<Session, List<CompletionProposal>> proposals) {
    return new Opt(name, shortName, valueName, description, repeatable, proposals, null);
  }

  /**
   * The same, completing its value with what {@code proposals} makes of the words typed after the
   * command name.
   */
  public Opt completesAfter(BiFunction<Session, List<String>, List<CompletionProposal>> proposals) {
    return new Opt(name, shortName, valueName, description, repeatable, null, proposals);
  }

  /** Whether it is a flag. */
  public boolean isFlag() {
    return valueName == null;
  }

  /** How it is written in help. */
  public String synopsis() {
    String s = (shortName != ' ' ? "-" + shortName + ", " : "") + "--" + name;
    return isFlag() ? s : s + " " + valueName;
  }
}
