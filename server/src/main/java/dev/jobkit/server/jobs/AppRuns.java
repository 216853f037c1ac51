package dev.jobkit.server.jobs;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.Hook;
import dev.jobkit.sdk.apps.StageIn;
import dev.jobkit.sdk.apps.StageOut;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.ml.ShippedApps;
import dev.jobkit.server.store.AppStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * Turns a submission of an app into what the job runs: the app's version (the latest unless one is
 * named), its parameters checked against the schema with defaults filled in, the command rendered
 * from the template item by item, and the environment: the app's {@code env} rendered, and every
 * parameter as {@code JOBKIT_PARAM_<NAME>}. A value never becomes more or fewer argv items than its
 * template item, and is never handed to a shell's parser.
 */
@Component
class AppRuns {

  /** What a job of an app runs, ready to be stored. */
  record Prepared(
      App app,
      Map<String, Object> parameters,
      List<String> command,
      String shell,
      Map<String, String> env) {}

  private final AppStore apps;
  private final ParameterSchemas schemas;
  private final ShippedApps shipped;

  AppRuns(AppStore apps, ParameterSchemas schemas, ShippedApps shipped) {
    this.apps = apps;
    this.schemas = schemas;
    this.shipped = shipped;
  }

  /**
   * The run of {@code spec} (which names an app), or empty with what is wrong added to {@code
   * errors}, fields prefixed with {@code prefix}. A shipped app ({@link ShippedApps}) also has what
   * its parameters name checked for {@code caller}, and runs its program with the service's java.
   */
  Optional<Prepared> prepare(Caller caller, JobSpec spec, String prefix, List<FieldError> errors) {
    Optional<App> found =
        spec.appVersion() == null
            ? apps.latest(spec.app())
            : apps.version(spec.app(), spec.appVersion());
    if (found.isEmpty()) {
      boolean exists = spec.appVersion() != null && apps.latest(spec.app()).isPresent();
      errors.add(
          exists
              ? new FieldError(
                  prefix + "app_version",
                  "app '" + spec.app() + "' has no version " + spec.appVersion())
              : new FieldError(
                  prefix + "app",
                  "no app named '" + spec.app() + "' (GET /api/v1/apps lists them)"));
      return Optional.empty();
    }
    App app = found.get();
    int before = errors.size();
    Map<String, Object> given = spec.parameters() == null ? Map.of() : spec.parameters();
    Set<String> declared = ParameterSchemas.declared(app.parameters());
    Map<String, Object> values =
        schemas.apply(
            app.name() + "@" + app.version(), app.parameters(), declared, given, prefix, errors);
    Map<String, String> texts = new LinkedHashMap<>();
    values.forEach(
        (name, value) -> {
          String text = AppTemplates.text(value);
          SpecValidator.checkText(prefix + "parameters." + name, text, errors);
          texts.put(name, text);
        });
    for (String used : used(app)) {
      String field = prefix + "parameters." + used;
      // A missing parameter the schema requires is already named; say it once.
      if (!values.containsKey(used)
          && errors.subList(before, errors.size()).stream()
              .noneMatch(e -> e.field().equals(field))) {
        errors.add(
            new FieldError(
                field,
                "required: the app's template uses {"
                    + used
                    + "}; give it a value (or the app's schema a default)"));
      }
    }
    if (errors.size() == before && shippedVersion(app)) {
      shipped.check(caller, app.name(), values, prefix, errors);
    }
    if (errors.size() > before) {
      return Optional.empty();
    }
    List<String> command = null;
    if (shippedVersion(app)) {
      command = shipped.command(app.name());
    } else if (!app.command().isEmpty()) {
      command = app.command().stream().map(item -> AppTemplates.render(item, texts)).toList();
      SpecValidator.checkArgv(command, prefix + "parameters", errors);
    }
    Map<String, String> env = new TreeMap<>();
    app.env().forEach((name, template) -> env.put(name, AppTemplates.render(template, texts)));
    texts.forEach((name, text) -> env.put(AppTemplates.envName(name), text));
    if (errors.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new Prepared(app, values, command, app.shell(), env));
  }

  /** A version of a shipped app as the service put it (no one else may put those names). */
  private static boolean shippedVersion(App app) {
    return ShippedApps.isShipped(app.name()) && ShippedApps.PUT_BY.equals(app.createdBy());
  }

  /** The parameters the app's templates use. */
  private static Set<String> used(App app) {
    List<String> templates = new ArrayList<>(app.command());
    templates.addAll(app.env().values());
    for (Hook hook :
        new Hook[] {
          app.hooks().preprocess(),
          app.hooks().postprocess(),
          app.hooks().onError(),
          app.hooks().onTimeout()
        }) {
      if (hook != null) {
        templates.addAll(hook.command());
      }
    }
    for (StageIn in : app.transfers().stageIn()) {
      templates.add(in.source());
      templates.add(in.path());
    }
    for (StageOut out : app.transfers().stageOut()) {
      templates.add(out.path());
      templates.add(out.destination());
    }
    Set<String> names = new LinkedHashSet<>();
    templates.forEach(t -> names.addAll(AppTemplates.names(t)));
    return names;
  }
}
