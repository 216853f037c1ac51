package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.AppRun;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.tools.executor.ToolExecutor.BadArguments;
import dev.jobkit.tools.registry.AppInputs;
import dev.jobkit.tools.registry.Outputs;
import dev.jobkit.tools.registry.Schemas;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The app tools: {@code list_apps} and {@code get_app} read; {@code submit_app_job} runs an app.
 * Running an app is not guarded: the admin wrote what runs, the service checks every parameter
 * against the app's schema, and a value only ever becomes one argv item or one environment value
 * (docs/apps.md), so the agent chooses values, not code.
 */
final class AppTools {

  private final JobkitClient client;

  AppTools(JobkitClient client) {
    this.client = client;
  }

  Outputs.AppList list() {
    return new Outputs.AppList(
        client.apps().list().stream()
            .map(a -> new Outputs.AppSummary(a.name(), a.version(), description(a)))
            .toList());
  }

  Outputs.AppResult get(AppInputs.GetApp in) {
    App latest = client.apps().get(in.name());
    App app = in.version() == null ? latest : client.apps().get(in.name(), in.version());
    return new Outputs.AppResult(
        new Outputs.AppView(
            app.name(),
            app.version(),
            latest.version(),
            description(app),
            app.parameters(),
            app.defaults().priority(),
            app.defaults().timeoutSeconds(),
            app.createdBy(),
            app.createdAt()));
  }

  Outputs.AppJobResult submit(AppInputs.SubmitAppJob in) {
    AppRun.Builder run = AppRun.of(in.app());
    if (in.appVersion() != null) {
      run.version(in.appVersion());
    }
    parameters(in).forEach(run::param);
    if (in.displayName() != null) {
      run.displayName(in.displayName());
    }
    if (in.priority() != null) {
      run.priority(in.priority());
    }
    if (in.tags() != null) {
      in.tags().forEach(t -> run.tag(t.key(), t.value()));
    }
    if (in.parents() != null && !in.parents().isEmpty()) {
      run.parents(in.parents().toArray(String[]::new));
    }
    Job job = client.jobs().submit(run.build());
    return new Outputs.AppJobResult(
        JobViews.of(job), job.app(), job.appVersion(), job.parameters());
  }

  /** The parameters from {@code parameters} or {@code parameters_json}; none when neither. */
  static Map<String, Object> parameters(AppInputs.SubmitAppJob in) {
    if (in.parameters() != null && in.parametersJson() != null) {
      throw new BadArguments("give parameters or parameters_json, not both");
    }
    if (in.parametersJson() == null) {
      return in.parameters() == null ? Map.of() : in.parameters();
    }
    JsonNode parsed;
    try {
      parsed = Schemas.JSON.readTree(in.parametersJson());
    } catch (JacksonException e) {
      throw new BadArguments(
          "parameters_json is not JSON: write one object, such as {\"lr\": 0.001}");
    }
    if (parsed == null || !parsed.isObject()) {
      throw new BadArguments("parameters_json must hold one JSON object, such as {\"lr\": 0.001}");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    parsed
        .properties()
        .forEach(e -> values.put(e.getKey(), Schemas.JSON.treeToValue(e.getValue(), Object.class)));
    return values;
  }

  private static Outputs.UntrustedJobOutput description(App app) {
    return app.description() == null
        ? null
        : Untrusted.fence(app.description(), Untrusted.ERROR_BUDGET, false, false);
  }
}
