package dev.jobkit.shell.command;

import dev.jobkit.shell.local.Contexts;
import dev.jobkit.shell.render.Table;
import java.util.List;
import java.util.Map;

/**
 * {@code context list|use|set}: named connections (a service URL and a key), as kubectl's contexts,
 * kept in the data dir's config file; {@code --context NAME} before a command uses one for that
 * command only.
 */
final class ContextCommands {

  private static final String GROUP = "Service";

  private ContextCommands() {}

  static List<JobkitCommand> all(Session session) {
    return List.of(
        JobkitCommand.named("context list", session)
            .group(GROUP)
            .description("The named connections of the config file; * marks the one in use")
            .action(ContextCommands::list),
        JobkitCommand.named("context use", session)
            .group(GROUP)
            .description("Connect through a named connection from now on")
            .arguments("NAME", s -> Completions.words(names(s)).apply(s))
            .action(ContextCommands::use),
        JobkitCommand.named("context set", session)
            .group(GROUP)
            .description("Add or change a named connection: a service URL and a key")
            .option(Opt.value("server", "URL", "the service's address (required)"))
            .option(Opt.value("api-key", "KEY", "the key to send (default: JOBKIT_API_KEY)"))
            .arguments("NAME", null)
            .examples(
                """
                  context set prod --server https://jobkit.example.com --api-key jk_...
                  context use prod
                  jobkit --context staging job list\
                """)
            .action(ContextCommands::set));
  }

  private static String[] names(Session session) {
    return Contexts.of(session.dataDir()).all().keySet().toArray(String[]::new);
  }

  private static int list(Invocation in) {
    Contexts contexts = Contexts.of(in.session().dataDir());
    Map<String, Contexts.Context> all = contexts.all();
    if (all.isEmpty()) {
      in.render().note("no contexts in " + contexts.file() + "; 'context set NAME --server URL'");
      return Exits.OK;
    }
    String current = contexts.current().orElse("");
    Table table = Table.of("", "NAME", "URL", "KEY");
    all.values()
        .forEach(
            c ->
                table.row(
                    c.name().equals(current) ? "*" : "",
                    c.name(),
                    c.url(),
                    c.apiKey() == null ? "(JOBKIT_API_KEY)" : "set"));
    in.render().wholeTable(table);
    return Exits.OK;
  }

  private static int use(Invocation in) {
    String name = in.argument("a context name");
    Contexts.of(in.session().dataDir()).use(name);
    in.session().disconnect();
    in.out().println("using context " + name);
    return Exits.OK;
  }

  private static int set(Invocation in) {
    String name = in.argument("a context name");
    String url =
        in.string("server").orElseThrow(() -> new UsageException("context set needs --server URL"));
    Contexts contexts = Contexts.of(in.session().dataDir());
    contexts.set(name, url, in.string("api-key").orElse(null));
    in.session().disconnect();
    in.out().println("context " + name + " is " + url + " (in " + contexts.file() + ")");
    return Exits.OK;
  }
}
