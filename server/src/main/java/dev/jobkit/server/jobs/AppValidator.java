package dev.jobkit.server.jobs;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.apps.AppDefaults;
import dev.jobkit.sdk.apps.AppSpec;
import dev.jobkit.sdk.apps.Hook;
import dev.jobkit.sdk.apps.StageIn;
import dev.jobkit.sdk.apps.StageOut;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Checks an app's definition when it is put, field by field, and reports every wrong field at once:
 * its name, its command or shell, the parameter schema ({@link ParameterSchemas}), every template
 * ({@link AppTemplates}: each placeholder must name a declared parameter), its defaults (the limits
 * of a job spec, {@link SpecValidator}), and the shape of its hooks and transfers, which are stored
 * here and run by the engine.
 */
@Component
class AppValidator {

  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  static final int MAX_HOOK_SECONDS = 24 * 3600;
  static final int MAX_TRANSFERS = 100;
  private static final Pattern SCHEME =
      Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*", Pattern.DOTALL);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private final SpecValidator specs;
  private final ParameterSchemas schemas;

  AppValidator(SpecValidator specs, ParameterSchemas schemas) {
    this.specs = specs;
    this.schemas = schemas;
  }

  /** Whether {@code name} may name an app. */
  static boolean validName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  List<FieldError> check(String name, AppSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    if (!validName(name)) {
      errors.add(
          new FieldError(
              "name",
              "an app's name is 1 to 63 lowercase letters, digits and '-', starting with a"
                  + " letter, not '"
                  + name
                  + "'"));
    }
    if (spec == null) {
      errors.add(new FieldError("body", "an app definition is required"));
      return errors;
    }
    if (spec.description() != null && spec.description().length() > 4000) {
      errors.add(new FieldError("description", "must be at most 4000 characters"));
    } else {
      SpecValidator.checkText("description", spec.description(), errors);
    }
    SpecValidator.checkCommandOrShell(
        spec.command().isEmpty() ? null : spec.command(), spec.shell(), "", errors);
    Set<String> declared = schemas.check(spec.parameters(), errors);
    Templates templates = new Templates(declared, errors);
    for (int i = 0; i < spec.command().size(); i++) {
      templates.check("command[" + i + "]", spec.command().get(i));
    }
    if (spec.shell() != null) {
      for (String parameter : declared) {
        if (Pattern.compile("(?<!\\$)\\{" + parameter + "}").matcher(spec.shell()).find()) {
          errors.add(
              new FieldError(
                  "shell",
                  "a shell template is not templated, so {"
                      + parameter
                      + "} would stay as it is: read the parameter as \"$"
                      + AppTemplates.envName(parameter)
                      + "\""));
        }
      }
    }
    SpecValidator.checkEnv(spec.env(), "", errors);
    spec.env().forEach((k, v) -> templates.check("env." + k, v));
    AppDefaults defaults = spec.defaults();
    specs.checkPodCount(defaults.podCount(), "defaults.pod_count", errors);
    specs.checkPriority(defaults.priority(), "defaults.priority", errors);
    SpecValidator.checkTimeout(defaults.timeoutSeconds(), "defaults.timeout_seconds", errors);
    SpecValidator.checkMaxAttempts(defaults.maxAttempts(), "defaults.max_attempts", errors);
    Map<String, Hook> hooks = new LinkedHashMap<>();
    hooks.put("preprocess", spec.hooks().preprocess());
    hooks.put("postprocess", spec.hooks().postprocess());
    hooks.put("on_error", spec.hooks().onError());
    hooks.put("on_timeout", spec.hooks().onTimeout());
    hooks.forEach(
        (step, hook) -> {
          if (hook != null) {
            checkHook("hooks." + step, hook, templates, errors);
          }
        });
    checkTransfers(spec, templates, errors);
    return errors;
  }

  private static void checkHook(
      String field, Hook hook, Templates templates, List<FieldError> errors) {
    SpecValidator.checkArgv(hook.command(), field + ".command", errors);
    for (int i = 0; i < hook.command().size(); i++) {
      templates.check(field + ".command[" + i + "]", hook.command().get(i));
    }
    Integer seconds = hook.timeoutSeconds();
    if (seconds != null && (seconds < 1 || seconds > MAX_HOOK_SECONDS)) {
      errors.add(
          new FieldError(
              field + ".timeout_seconds",
              "must be from 1 to " + MAX_HOOK_SECONDS + " (a day), not " + seconds));
    }
  }

  private static void checkTransfers(AppSpec spec, Templates templates, List<FieldError> errors) {
    List<StageIn> in = spec.transfers().stageIn();
    List<StageOut> out = spec.transfers().stageOut();
    if (in.size() > MAX_TRANSFERS || out.size() > MAX_TRANSFERS) {
      errors.add(
          new FieldError(
              "transfers",
              "at most " + MAX_TRANSFERS + " stage_in and " + MAX_TRANSFERS + " stage_out"));
      return;
    }
    for (int i = 0; i < in.size(); i++) {
      String field = "transfers.stage_in[" + i + "]";
      StageIn transfer = in.get(i);
      if (transfer == null) {
        errors.add(new FieldError(field, "must be {\"source\": …, \"path\": …}"));
        continue;
      }
      location(field + ".source", transfer.source(), templates, errors);
      workPath(field + ".path", transfer.path(), templates, errors);
      if (transfer.sha256() != null && !SHA256.matcher(transfer.sha256()).matches()) {
        errors.add(new FieldError(field + ".sha256", "must be 64 hexadecimal digits"));
      }
    }
    for (int i = 0; i < out.size(); i++) {
      String field = "transfers.stage_out[" + i + "]";
      StageOut transfer = out.get(i);
      if (transfer == null) {
        errors.add(new FieldError(field, "must be {\"path\": …, \"destination\": …}"));
        continue;
      }
      workPath(field + ".path", transfer.path(), templates, errors);
      location(field + ".destination", transfer.destination(), templates, errors);
    }
  }

  /** A source or destination: a path (under a transfer root) or an http(s) URL. */
  private static void location(
      String field, String value, Templates templates, List<FieldError> errors) {
    String shape = templates.shape(field, value, errors);
    if (shape == null) {
      return;
    }
    if (SCHEME.matcher(shape).matches() && !shape.startsWith("/")) {
      String reason = url(shape);
      if (reason != null) {
        errors.add(new FieldError(field, reason));
      }
    } else if (dotDot(shape)) {
      errors.add(new FieldError(field, "a path must not hold a '..' segment"));
    }
  }

  private static String url(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return "must be a path or an http(s) URL, not a " + scheme + ": URL";
      }
      if (uri.getHost() == null) {
        return "an http(s) URL needs a host";
      }
      return null;
    } catch (URISyntaxException e) {
      return "is not a URL: " + e.getReason();
    }
  }

  /** A path inside the job's work dir: relative, without '..'. */
  private static void workPath(
      String field, String value, Templates templates, List<FieldError> errors) {
    String shape = templates.shape(field, value, errors);
    if (shape == null) {
      return;
    }
    if (shape.startsWith("/") || dotDot(shape)) {
      errors.add(
          new FieldError(
              field, "a path in the job's work dir is relative and holds no '..' segment"));
    }
  }

  private static boolean dotDot(String path) {
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /** Checks templates against the declared parameters. */
  private record Templates(Set<String> declared, List<FieldError> errors) {

    void check(String field, String template) {
      if (template == null) {
        return;
      }
      try {
        for (String name : AppTemplates.names(template)) {
          if (!declared.contains(name)) {
            errors.add(
                new FieldError(
                    field,
                    "{"
                        + name
                        + "} names no parameter: "
                        + (declared.isEmpty()
                            ? "the app declares none (parameters.properties)"
                            : "the app's parameters are " + String.join(", ", declared))));
          }
        }
      } catch (AppTemplates.TemplateException e) {
        errors.add(new FieldError(field, e.getMessage()));
      }
    }

    /**
     * The template with each placeholder as a plain word, to check its shape; null (and an error)
     * when it is missing, blank or wrong.
     */
    String shape(String field, String template, List<FieldError> errors) {
      if (template == null || template.isBlank()) {
        errors.add(new FieldError(field, "required"));
        return null;
      }
      int before = errors.size();
      SpecValidator.checkText(field, template, errors);
      check(field, template);
      if (errors.size() > before) {
        return null;
      }
      StringBuilder shape = new StringBuilder();
      for (AppTemplates.Part part : AppTemplates.parse(template)) {
        shape.append(part.parameter() == null ? part.text() : "x");
      }
      return shape.toString();
    }
  }
}
