package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code job submit --app NAME --param k=v}: the parameters as typed into the values of a
 * submission, and the service's refusals named by the option typed ({@code --param lr}, {@code
 * --app}), not by the API's fields.
 *
 * <p>A value is read as JSON when it is a JSON number, {@code true}, {@code false}, {@code null},
 * an array, an object or a quoted string, and as text otherwise: {@code lr=1e-4} is a number,
 * {@code who=Ada} the text {@code Ada}, {@code id='"007"'} the text {@code 007}. {@code NAME=@FILE}
 * is the text of FILE, as it is.
 */
final class AppParameters {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private AppParameters() {}

  /** Sets the app, its version and its parameters on {@code spec}. */
  static void apply(Invocation in, JobSpec.Builder spec) {
    if (!in.arguments().isEmpty() || in.string(CommandOrShell.SHELL_OPTION.name()).isPresent()) {
      throw new UsageException(
          "--app runs the app's own command: give no command and no --shell beside it");
    }
    if (!in.raw("env").isEmpty()) {
      throw new UsageException(
          "--env does not go with --app: the app's template makes the job's environment");
    }
    spec.app(in.string("app").orElseThrow());
    in.integer("app-version", 1, Integer.MAX_VALUE).ifPresent(spec::appVersion);
    parse(in.raw("param")).forEach(spec::parameter);
  }

  /** Refuses {@code --app-version} and {@code --param} without {@code --app}. */
  static void refuseWithoutApp(Invocation in) {
    for (String option : List.of("app-version", "param")) {
      if (!in.raw(option).isEmpty()) {
        throw new UsageException("--" + option + " goes with --app NAME");
      }
    }
  }

  /** {@code NAME=VALUE} items as parameters, in their order; a usage error names a wrong one. */
  static Map<String, Object> parse(List<String> items) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    for (String item : items) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--param must be NAME=VALUE, not '" + item + "'");
      }
      String name = item.substring(0, eq);
      if (parameters.containsKey(name)) {
        throw new UsageException("--param " + name + " is given twice");
      }
      parameters.put(name, value(name, item.substring(eq + 1)));
    }
    return parameters;
  }

  /** The value of {@code --param NAME=text}: see the class comment. */
  static Object value(String name, String text) {
    if (text.startsWith("@") && text.length() > 1) {
      try {
        return AppCommands.read(text.substring(1));
      } catch (UsageException missing) {
        throw new UsageException("--param " + name + ": " + missing.getMessage());
      }
    }
    String t = text.strip();
    if (t.isEmpty()) {
      return text;
    }
    char c = t.charAt(0);
    boolean jsonish =
        c == '"'
            || c == '['
            || c == '{'
            || c == '-'
            || Character.isDigit(c)
            || t.equals("true")
            || t.equals("false")
            || t.equals("null");
    if (!jsonish) {
      return text;
    }
    try {
      return JSON.readValue(t, Object.class);
    } catch (JacksonException notJson) {
      if (c == '"' || c == '[' || c == '{') {
        throw new UsageException(
            "--param "
                + name
                + ": '"
                + text
                + "' starts like JSON but is not: "
                + AppCommands.firstLine(notJson));
      }
      return text; // 1.2.3, -x, 2024-01-01: text
    }
  }

  /** Submits {@code spec}; the service's field errors of an app's run name the options typed. */
  static Job submit(JobkitClient client, JobSpec spec) {
    if (spec.app() == null) {
      return client.jobs().submit(spec);
    }
    try {
      return client.jobs().submit(spec);
    } catch (ValidationException v) {
      throw AppCommands.fieldErrors(v, AppParameters::option);
    }
  }

  /** The option that sets a field of an app's run ({@code parameters.lr}: {@code --param lr}). */
  static String option(String field) {
    if (field == null) {
      return "value";
    }
    if (field.startsWith("parameters.")) {
      return "--param " + field.substring("parameters.".length());
    }
    return switch (field) {
      case "parameters" -> "--param";
      case "app" -> "--app";
      case "app_version" -> "--app-version";
      default -> Exits.option(field);
    };
  }
}
