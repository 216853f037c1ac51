package dev.jobkit.shell;

import dev.jobkit.shell.command.Dispatcher;
import dev.jobkit.shell.command.JobkitCommand;
import dev.jobkit.shell.command.Opt;
import dev.jobkit.shell.command.Session;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.completion.CompletionProposal;

/**
 * Tab completion: command words, then the command's options, then values: status names for {@code
 * --status}, job ids (from the service, with their names and states) for job arguments.
 */
final class CommandCompleter implements Completer {

  private final Dispatcher dispatcher;

  CommandCompleter(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    List<String> words = line.words();
    int index = Math.min(line.wordIndex(), words.size());
    List<String> before = words.subList(0, index);
    String current = index < words.size() ? words.get(index) : "";
    Command command = null;
    int nameLength = 0;
    for (int n = before.size(); n >= 1; n--) {
      Command c = dispatcher.registry().getCommandByName(String.join(" ", before.subList(0, n)));
      if (c != null) {
        command = c;
        nameLength = n;
        break;
      }
    }
    if (command == null) {
      commandWords(before, candidates);
      return;
    }
    if (!(command instanceof JobkitCommand jc)) {
      return;
    }
    Session session = dispatcher.session();
    String previous = before.size() > nameLength ? before.get(before.size() - 1) : null;
    Opt valueOf = previous == null ? null : optionNamed(jc, previous);
    if (valueOf != null && !valueOf.isFlag()) {
      add(valueOf.values(), session, candidates);
      return;
    }
    if (current.startsWith("-") || jc.argumentValues() == null) {
      for (Opt o : jc.opts()) {
        boolean present = before.contains("--" + o.name());
        if (!present || o.repeatable()) {
          candidates.add(
              new Candidate(
                  "--" + o.name(), "--" + o.name(), null, o.description(), null, null, true));
        }
      }
      return;
    }
    add(jc.argumentValues(), session, candidates);
  }

  private void commandWords(List<String> before, List<Candidate> candidates) {
    Map<String, Candidate> unique = new LinkedHashMap<>();
    for (Command c : dispatcher.registry().getCommands()) {
      Stream.concat(Stream.of(c.getName()), c.getAliases().stream())
          .forEach(
              name -> {
                List<String> parts = List.of(name.split(" "));
                if (parts.size() > before.size()
                    && parts.subList(0, before.size()).equals(before)) {
                  String word = parts.get(before.size());
                  boolean last = parts.size() == before.size() + 1;
                  unique.putIfAbsent(
                      word,
                      new Candidate(
                          word, word, null, last ? c.getDescription() : null, null, null, true));
                }
              });
    }
    if (before.isEmpty()) {
      for (String builtin : List.of("exit", "quit")) {
        unique.putIfAbsent(builtin, new Candidate(builtin));
      }
    }
    candidates.addAll(unique.values());
  }

  private static Opt optionNamed(JobkitCommand command, String word) {
    if (word.startsWith("--")) {
      return command.opt(word.substring(2));
    }
    if (word.startsWith("-") && word.length() == 2) {
      return command.opt(word.substring(1));
    }
    return null;
  }

  private static void add(
      Function<Session, List<CompletionProposal>> values,
      Session session,
      List<Candidate> candidates) {
    if (values == null) {
      return;
    }
    for (CompletionProposal p : values.apply(session)) {
      candidates.add(
          new Candidate(
              p.value(), p.displayText(), p.category(), p.description(), null, null, p.complete()));
    }
  }
}
