package dev.jobkit.shell;

import dev.jobkit.shell.command.Completions;
import dev.jobkit.shell.command.Dispatcher;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.CompletingParsedLine;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.impl.CompletionMatcherImpl;
import org.springframework.shell.core.command.completion.CompletionProposal;

/**
 * Tab completion: what {@link Completions#propose} proposes for the word under the cursor, as JLine
 * candidates.
 */
final class CommandCompleter implements Completer {

  private final Dispatcher dispatcher;
  private final BooleanSupplier answering;

  /**
   * @param answering true while the shell asks yes or no (a risky action's dialog): Tab then
   *     proposes the two answers instead of commands
   */
  CommandCompleter(Dispatcher dispatcher, BooleanSupplier answering) {
    this.dispatcher = dispatcher;
    this.answering = answering;
  }

  @Override
  public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
    if (answering.getAsBoolean()) {
      if (line.wordIndex() == 0) {
        candidates.add(new Candidate("yes"));
        candidates.add(new Candidate("no"));
      }
      return;
    }
    List<String> words = line.words();
    int index = Math.min(line.wordIndex(), words.size());
    String current = index < words.size() ? words.get(index) : "";
    for (CompletionProposal p :
        Completions.propose(
            dispatcher.registry(), dispatcher.session(), words.subList(0, index), current)) {
      candidates.add(
          new Candidate(
              p.value(), p.displayText(), p.category(), p.description(), null, null, p.complete()));
    }
  }

  /**
   * JLine's matching (the candidates that start with the word typed, then its typo and camel-case
   * matches), and last the jobs whose name starts with it: a job is often known by its name, and
   * Tab then puts its id in its place.
   */
  static final class JobNameMatcher extends CompletionMatcherImpl {

    @Override
    protected void defaultMatchers(
        Map<LineReader.Option, Boolean> options,
        boolean prefix,
        CompletingParsedLine line,
        boolean caseInsensitive,
        int errors,
        String originalGroupName) {
      super.defaultMatchers(options, prefix, line, caseInsensitive, errors, originalGroupName);
      String typed = line.word().substring(0, line.wordCursor()).toLowerCase(Locale.ROOT);
      if (typed.isEmpty()) {
        return;
      }
      Predicate<Candidate> named =
          c ->
              "jobs".equals(c.group())
                  && c.descr() != null
                  && c.descr().toLowerCase(Locale.ROOT).startsWith(typed);
      matchers.add(
          candidates ->
              candidates.entrySet().stream()
                  .filter(e -> e.getValue().stream().anyMatch(named))
                  .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }
  }
}
