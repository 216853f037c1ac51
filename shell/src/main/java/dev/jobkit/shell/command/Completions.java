package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.sdk.users.User;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.core.command.completion.CompletionProposal;

/**
 * What tab completion proposes: command words, then the command's options, then values: job ids
 * (from the service), status names and aliases, user names, words. The terminal keeps the ones that
 * start with the word typed.
 */
public final class Completions {

  private Completions() {}

  /**
   * The proposals for the word being typed ({@code current}) after the words {@code before}: the
   * next command word while no command is named yet (after {@code help} too: {@code help job <TAB>}
   * proposes {@code submit}, {@code list} …); the values of an option right after it; the options
   * when the word starts with '-' or no argument is expected; else what completes the positional
   * argument at that position. Nothing for the command line of {@code job submit}.
   */
  public static List<CompletionProposal> propose(
      CommandRegistry registry, Session session, List<String> before, String current) {
    Command command = null;
    int nameLength = 0;
    for (int n = before.size(); n >= 1; n--) {
      Command c = registry.getCommandByName(String.join(" ", before.subList(0, n)));
      if (c != null) {
        command = c;
        nameLength = n;
        break;
      }
    }
    if (command == null) {
      return commandWords(registry, before);
    }
    if (command.getName().equals("help")) {
      List<String> named = before.subList(nameLength, before.size());
      return named.isEmpty() || registry.getCommandByName(String.join(" ", named)) == null
          ? commandWords(registry, named).stream()
              .filter(p -> !p.value().equals("exit") && !p.value().equals("quit"))
              .toList()
          : List.of();
    }
    if (!(command instanceof JobkitCommand jc)) {
      return List.of();
    }
    List<String> rest = before.subList(nameLength, before.size());
    String previous = rest.isEmpty() ? null : rest.get(rest.size() - 1);
    Opt valueOf = previous == null || previous.contains("=") ? null : optionNamed(jc, previous);
    if (valueOf != null && !valueOf.isFlag()) {
      List<CompletionProposal> proposals =
          valueOf.valuesAfter() != null
              ? valueOf.valuesAfter().apply(session, rest)
              : values(valueOf.values(), session);
      int comma = current.lastIndexOf(',');
      return comma < 0 || !valueOf.repeatable() || valueOf.valuesAfter() != null
          ? proposals
          : listed(current.substring(0, comma + 1), proposals);
    }
    int position = 0;
    for (int i = 0; i < rest.size(); i++) {
      String word = rest.get(i);
      if (word.equals("--") || (position > 0 && jc.trailingArguments())) {
        return List.of(); // the job's own command line: not the shell's to complete
      }
      if (word.startsWith("-") && word.length() > 1) {
        Opt o = optionNamed(jc, word);
        if (o != null && !o.isFlag() && !word.contains("=")) {
          i++; // its value
        }
        continue;
      }
      position++;
    }
    Function<Session, List<CompletionProposal>> arguments = jc.argumentValues(position);
    if (current.startsWith("-") || arguments == null) {
      if (position > 0 && jc.trailingArguments()) {
        return List.of();
      }
      List<CompletionProposal> options = new ArrayList<>();
      for (Opt o : jc.opts()) {
        if (!before.contains("--" + o.name()) || o.repeatable()) {
          options.add(
              new CompletionProposal("--" + o.name()).description(o.description()).complete(true));
        }
      }
      return options;
    }
    return values(arguments, session);
  }

  /**
   * The ids of the newest jobs in {@code statuses} (all when empty), each described by its name and
   * state. Nothing when the service is not connected yet: completion never starts a service.
   */
  public static Function<Session, List<CompletionProposal>> jobIds(JobStatus... statuses) {
    return session ->
        client(session)
            .map(
                client -> {
                  try {
                    JobQuery query = JobQuery.builder().status(statuses).limit(100).build();
                    return client.jobs().list(query).items().stream()
                        .map(Completions::proposal)
                        .toList();
                  } catch (JobkitException unreachable) {
                    return List.<CompletionProposal>of();
                  }
                })
            .orElse(List.of());
  }

  /**
   * Every status name and every alias the SDK reads ({@code running}, {@code run_error}, {@code
   * pending}, {@code cancelled} …), an alias described by the status it means.
   */
  public static Function<Session, List<CompletionProposal>> statuses() {
    return session ->
        Stream.concat(
                Arrays.stream(JobStatus.values())
                    .map(s -> new CompletionProposal(s.name()).category("status")),
                JobStatus.aliases().entrySet().stream()
                    .map(
                        a ->
                            new CompletionProposal(a.getKey())
                                .description(a.getValue().name())
                                .category("alias")))
            .toList();
  }

  /**
   * The names of the users: all of them for an admin; for anyone else (who may not list them) only
   * their own. With {@code me}, the word {@code me} as well (what {@code --owner} takes for
   * "mine").
   */
  public static Function<Session, List<CompletionProposal>> userNames(boolean me) {
    return session ->
        client(session)
            .map(
                client -> {
                  List<CompletionProposal> names = new ArrayList<>();
                  if (me) {
                    names.add(new CompletionProposal("me").description("you"));
                  }
                  try {
                    User self = client.users().me();
                    List<User> users =
                        self.role() == Role.ADMIN ? client.users().list() : List.of(self);
                    users.forEach(
                        u ->
                            names.add(
                                new CompletionProposal(u.name())
                                    .description(u.role().wireName())
                                    .category("users")));
                  } catch (JobkitException unreachable) {
                    // only what needs no service
                  }
                  return names;
                })
            .orElse(me ? List.of(new CompletionProposal("me").description("you")) : List.of());
  }

  /**
   * The names of the apps, each described by its latest version and description. Nothing when the
   * service is not connected yet.
   */
  public static Function<Session, List<CompletionProposal>> appNames() {
    return session ->
        client(session)
            .map(
                client -> {
                  try {
                    return client.apps().list().stream()
                        .map(
                            a ->
                                new CompletionProposal(a.name())
                                    .description(
                                        "v"
                                            + a.version()
                                            + (a.description() == null
                                                ? ""
                                                : " " + a.description()))
                                    .category("apps"))
                        .toList();
                  } catch (JobkitException unreachable) {
                    return List.<CompletionProposal>of();
                  }
                })
            .orElse(List.of());
  }

  /** The ids of the caller's datasets, each described by its name. */
  public static Function<Session, List<CompletionProposal>> datasetIds() {
    return ids(
        client ->
            client.datasets().list().stream()
                .map(d -> new CompletionProposal(d.id()).description(d.name()).category("datasets"))
                .toList());
  }

  /** The ids of the caller's models, each described by the job that made it. */
  public static Function<Session, List<CompletionProposal>> modelIds() {
    return ids(
        client ->
            client.models().list().stream()
                .map(
                    m ->
                        new CompletionProposal(m.id())
                            .description(m.app() + " " + m.jobId())
                            .category("models"))
                .toList());
  }

  /** The ids of the caller's results, each described by the job that made it. */
  public static Function<Session, List<CompletionProposal>> resultIds() {
    return ids(
        client ->
            client.results().list().stream()
                .map(
                    r ->
                        new CompletionProposal(r.id())
                            .description(r.app() + " " + r.jobId())
                            .category("results"))
                .toList());
  }

  /** What {@code read} proposes once the service is connected; nothing if it is not, or fails. */
  private static Function<Session, List<CompletionProposal>> ids(
      Function<JobkitClient, List<CompletionProposal>> read) {
    return session ->
        client(session)
            .map(
                client -> {
                  try {
                    return read.apply(client);
                  } catch (JobkitException unreachable) {
                    return List.<CompletionProposal>of();
                  }
                })
            .orElse(List.of());
  }

  /**
   * The parameters of the app named by {@code --app} (at {@code --app-version}, else its latest) in
   * {@code words}, each as {@code NAME=} left open for the value. Nothing without {@code --app}, or
   * when the service is not connected yet or has no such app.
   */
  public static BiFunction<Session, List<String>, List<CompletionProposal>> appParameters() {
    return (session, words) -> {
      String app = optionValue(words, "app");
      if (app == null) {
        return List.of();
      }
      Integer version = null;
      try {
        String v = optionValue(words, "app-version");
        version = v == null ? null : Integer.valueOf(v.strip());
      } catch (NumberFormatException notYet) {
        // the latest, then
      }
      Integer at = version;
      return client(session)
          .map(
              client -> {
                try {
                  App a = at == null ? client.apps().get(app) : client.apps().get(app, at);
                  return parameterProposals(a.parameters());
                } catch (JobkitException unreachableOrUnknown) {
                  return List.<CompletionProposal>of();
                }
              })
          .orElse(List.of());
    };
  }

  /**
   * {@code NAME=} for every property of a parameter schema, described by its type (and {@code
   * required}, or its default) and its description; left open so the value follows at once.
   */
  static List<CompletionProposal> parameterProposals(Map<String, Object> schema) {
    if (!(schema.get("properties") instanceof Map<?, ?> properties)) {
      return List.of();
    }
    List<?> required = schema.get("required") instanceof List<?> r ? r : List.of();
    List<CompletionProposal> proposals = new ArrayList<>();
    properties.forEach(
        (name, property) -> {
          StringBuilder d = new StringBuilder();
          if (property instanceof Map<?, ?> p) {
            if (p.get("type") != null) {
              d.append(p.get("type"));
            }
            if (required.contains(name)) {
              d.append(d.isEmpty() ? "" : ", ").append("required");
            } else if (p.containsKey("default")) {
              d.append(d.isEmpty() ? "" : ", ").append("default ").append(p.get("default"));
            }
            if (p.get("description") != null) {
              d.append(d.isEmpty() ? "" : ": ").append(p.get("description"));
            }
          }
          proposals.add(
              new CompletionProposal(name + "=")
                  .displayText(String.valueOf(name))
                  .description(d.isEmpty() ? null : d.toString())
                  .category("parameters")
                  .complete(false));
        });
    return proposals;
  }

  /**
   * The last value of option {@code --name} in {@code words} ({@code --name V} or {@code
   * --name=V}).
   */
  private static String optionValue(List<String> words, String name) {
    String value = null;
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (w.equals("--")) {
        break;
      }
      if (w.equals("--" + name) && i + 1 < words.size()) {
        value = words.get(++i);
      } else if (w.startsWith("--" + name + "=")) {
        value = w.substring(name.length() + 3);
      }
    }
    return value;
  }

  /** Fixed words. */
  public static Function<Session, List<CompletionProposal>> words(String... words) {
    return session -> Arrays.stream(words).map(CompletionProposal::new).toList();
  }

  private static Optional<JobkitClient> client(Session session) {
    return session.clientIfReady(session.completionWait());
  }

  private static List<CompletionProposal> commandWords(
      CommandRegistry registry, List<String> before) {
    Map<String, CompletionProposal> unique = new LinkedHashMap<>();
    for (Command c : registry.getCommands()) {
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
                      new CompletionProposal(word)
                          .description(last ? c.getDescription() : null)
                          .complete(true));
                }
              });
    }
    if (before.isEmpty()) {
      for (String builtin : List.of("exit", "quit")) {
        unique.putIfAbsent(builtin, new CompletionProposal(builtin));
      }
    }
    return List.copyOf(unique.values());
  }

  private static Opt optionNamed(JobkitCommand command, String word) {
    String body = word.startsWith("--") ? word.substring(2) : word.substring(1);
    int eq = body.indexOf('=');
    body = eq >= 0 ? body.substring(0, eq) : body;
    if (word.startsWith("--") || (word.startsWith("-") && body.length() == 1)) {
      return command.opt(body);
    }
    return null;
  }

  /**
   * A repeatable option also takes its values as one comma-separated list ({@code --status
   * running,fa<TAB>}): the proposals for the item being typed, each after the items before it,
   * shown by the item alone and left open for another comma.
   */
  private static List<CompletionProposal> listed(String before, List<CompletionProposal> items) {
    return items.stream()
        .map(
            p ->
                new CompletionProposal(before + p.value())
                    .displayText(p.value())
                    .description(p.description())
                    .category(p.category())
                    .complete(false))
        .toList();
  }

  private static List<CompletionProposal> values(
      Function<Session, List<CompletionProposal>> values, Session session) {
    return values == null ? List.of() : values.apply(session);
  }

  private static CompletionProposal proposal(Job job) {
    return new CompletionProposal(job.id())
        .description(job.displayName() + " " + job.status().name())
        .category("jobs");
  }
}
