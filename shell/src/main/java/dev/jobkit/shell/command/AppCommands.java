package dev.jobkit.shell.command;

import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.AppSpec;
import dev.jobkit.shell.render.Json;
import dev.jobkit.shell.render.Table;
import dev.jobkit.shell.render.Times;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code app} commands: reading apps (everyone) and putting or deleting them (admins), with
 * {@code app delete} a risky action like {@code job delete}: pre-check, question, delete, verify.
 */
final class AppCommands {

  static final String GROUP = "Apps";

  /** Reads definition files: an unknown field is an error, not silently dropped. */
  static final JsonMapper READER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static final Output.Format[] APP_FORMATS = {
    Output.Format.JSON, Output.Format.NAME, Output.Format.JSONPATH, Output.Format.CUSTOM_COLUMNS
  };

  private static final Opt FORMATS = Output.option(APP_FORMATS);

  /** What an app as {@code app get -o json} prints holds beside its definition. */
  private static final List<String> RECORD_FIELDS =
      List.of("name", "version", "created_by", "created_at");

  private AppCommands() {}

  static List<JobkitCommand> all(Session session) {
    List<JobkitCommand> commands = new ArrayList<>();
    commands.add(
        JobkitCommand.named("app list", session)
            .group(GROUP)
            .description("List the apps (the latest version of each)")
            .option(JobCommands.JSON)
            .option(FORMATS)
            .action(
                in -> {
                  Output output = Output.of(in, APP_FORMATS);
                  List<App> apps = in.client().apps().list();
                  output.items(in.render(), apps, as -> table(in, as), App::name);
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("app get", session)
            .group(GROUP)
            .description("Show an app: its template, parameters and defaults")
            .option(Opt.value("version", "N", "this version (default: the latest)"))
            .option(JobCommands.JSON)
            .option(FORMATS)
            .arguments("NAME", Completions.appNames())
            .examples(
                """
                  app get greet
                  app get greet --version 1 -o json > greet.json\
                """)
            .action(
                in -> {
                  Output output = Output.of(in, APP_FORMATS);
                  String name = in.argument("an app name");
                  App app =
                      in.integer("version", 1, Integer.MAX_VALUE)
                          .map(v -> in.client().apps().get(name, v))
                          .orElseGet(() -> in.client().apps().get(name));
                  output.one(in.render(), app, a -> show(in, a), App::name);
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("app versions", session)
            .group(GROUP)
            .description("List every version of an app, oldest first")
            .option(JobCommands.JSON)
            .option(FORMATS)
            .arguments("NAME", Completions.appNames())
            .action(
                in -> {
                  Output output = Output.of(in, APP_FORMATS);
                  List<App> versions = in.client().apps().versions(in.argument("an app name"));
                  output.items(
                      in.render(),
                      versions,
                      as -> table(in, as),
                      a -> a.name() + ":" + a.version());
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("app put", session)
            .group(GROUP)
            .description("Store the next version of an app from a JSON definition (admin)")
            .option(
                Opt.value("file", "FILE", "the definition as JSON; - reads it from stdin")
                    .shortName('f'))
            .option(JobCommands.JSON)
            .arguments("NAME", Completions.appNames())
            .examples(
                """
                  app put greet --file greet.json
                  app get greet -o json | jq '.defaults.priority = 7' | jobkit app put greet -f -\
                """)
            .action(AppCommands::put));
    commands.add(
        JobkitCommand.named("app delete", session)
            .group(GROUP)
            .description("Delete an app, every version (admin); jobs that ran it keep their record")
            .option(Opt.flag("yes", "do not ask; for scripts").shortName('y'))
            .arguments("NAME", Completions.appNames())
            .action(AppCommands::delete));
    return commands;
  }

  /** The apps' table: NAME VERSION DESCRIPTION CREATED. */
  private static void table(Invocation in, List<App> apps) {
    if (apps.isEmpty()) {
      in.render().note("no apps");
      return;
    }
    Table t = Table.of("NAME", "VERSION", "DESCRIPTION", "CREATED").flexible("DESCRIPTION");
    Instant now = Instant.now();
    apps.forEach(
        a ->
            t.row(
                a.name(),
                String.valueOf(a.version()),
                a.description() == null ? "" : a.description(),
                Times.relative(a.createdAt(), now)));
    t.print(in.out(), in.style(), in.width());
  }

  /** One app, field by field; the schema and the rest as JSON. */
  private static void show(Invocation in, App app) {
    var out = in.out();
    var style = in.style();
    out.println(style.bold(app.name()) + " v" + app.version());
    if (app.description() != null) {
      out.println("description  " + app.description());
    }
    if (app.shell() != null) {
      out.println("shell        " + app.shell());
    } else {
      out.println("command      " + Json.line(app.command()));
    }
    if (!app.env().isEmpty()) {
      out.println("env          " + Json.line(app.env()));
    }
    out.println("defaults     " + Json.line(app.defaults()));
    out.println("created      " + Times.absolute(app.createdAt()) + " by " + app.createdBy());
    out.println("parameters");
    List<String> lines =
        Completions.parameterProposals(app.parameters()).stream()
            .map(
                p ->
                    "  "
                        + p.displayText()
                        + (p.description() == null ? "" : "  " + style.dim(p.description())))
            .toList();
    if (lines.isEmpty()) {
      out.println(style.dim("  (none)"));
    } else {
      lines.forEach(out::println);
    }
    out.println(style.dim("(-o json shows the whole schema, hooks and transfers)"));
  }

  private static int put(Invocation in) {
    String name = in.argument("an app name");
    String file =
        in.string("file")
            .orElseThrow(
                () -> new UsageException("app put needs --file FILE (or --file - for stdin)"));
    String shown = file.equals("-") ? "stdin" : file;
    AppSpec spec = spec(name, read(file), shown);
    App app;
    try {
      app = in.client().apps().put(name, spec);
    } catch (ValidationException v) {
      throw fieldErrors(v, field -> shown + ": " + field);
    }
    if (in.flag("json")) {
      in.render().json(app);
    } else {
      in.out().println("stored app " + in.style().bold(app.name()) + " v" + app.version());
    }
    return Exits.OK;
  }

  /**
   * The definition in {@code text}: the fields of an {@link AppSpec}; the record fields of an app
   * as {@code app get -o json} prints it are allowed too (a name must be {@code name}).
   */
  static AppSpec spec(String name, String text, String shown) {
    try {
      JsonNode tree = READER.readTree(text);
      if (!(tree instanceof ObjectNode object)) {
        throw new UsageException(shown + ": the definition must be a JSON object");
      }
      JsonNode named = object.get("name");
      if (named != null && !named.isNull() && !named.asString().equals(name)) {
        throw new UsageException(
            shown
                + ": the definition names app '"
                + named.asString()
                + "', not '"
                + name
                + "'; put it under its own name or remove \"name\"");
      }
      RECORD_FIELDS.forEach(object::remove);
      return READER.treeToValue(object, AppSpec.class);
    } catch (UnrecognizedPropertyException unknown) {
      throw new UsageException(
          shown
              + ": unknown field '"
              + unknown.getPropertyName()
              + "' in an app definition; see docs/apps.md");
    } catch (JacksonException bad) {
      throw new UsageException(shown + ": not a valid app definition: " + firstLine(bad));
    }
  }

  /** The text of {@code file}, or of stdin for {@code -}. */
  static String read(String file) {
    try {
      if (file.equals("-")) {
        InputStream in = System.in;
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return Files.readString(Path.of(file));
    } catch (NoSuchFileException missing) {
      throw new UsageException("no file '" + file + "'");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read '" + file + "': " + e.getMessage(), e);
    }
  }

  /** A service's field errors as one usage error, each field named by {@code naming}. */
  static UsageException fieldErrors(ValidationException v, Function<String, String> naming) {
    if (v.errors().isEmpty()) {
      return new UsageException(Exits.of(v).message());
    }
    List<String> lines =
        v.errors().stream().map(e -> naming.apply(e.field()) + ": " + e.reason()).toList();
    return new UsageException(
        lines.size() == 1
            ? lines.get(0)
            : lines.size() + " values are not valid:\n  " + String.join("\n  ", lines));
  }

  static String firstLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /**
   * Deletes an app as a risky action: the pre-check reads it (none: {@code NOT_FOUND}, nothing
   * asked), the question says what goes, a yes deletes it, and the delete is verified by the app's
   * being gone.
   */
  private static int delete(Invocation in) {
    String name = in.argument("an app name");
    return new RecordDelete<List<App>>(
            "app " + name,
            () -> in.client().apps().versions(name),
            () -> in.client().apps().delete(name))
        .run(
            in,
            "there is no app " + name + "; nothing was done",
            versions -> {
              App latest = versions.get(versions.size() - 1);
              return "App '"
                  + name
                  + "' ("
                  + versions.size()
                  + (versions.size() == 1 ? " version" : " versions")
                  + ", latest v"
                  + latest.version()
                  + " by '"
                  + latest.createdBy()
                  + "', "
                  + Times.relative(latest.createdAt(), Instant.now())
                  + ") will be deleted: every version is hidden and no new job can name it; the"
                  + " jobs that ran it keep their app, version and parameters. Delete it?"
                  + " [yes/no]";
            },
            versions -> "deleted app " + name + " (" + versions.size() + " version(s))");
  }
}
