package dev.jobkit.server.jobs;

import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.Hook;
import dev.jobkit.sdk.apps.StageIn;
import dev.jobkit.sdk.apps.StageOut;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hooks and transfers of one job of an app, their placeholders rendered with the job's
 * parameters as its command was: what the engine runs around the job's pods. A hook's or transfer's
 * rendered text is one argv item or one path, never handed to a shell.
 *
 * @param preprocess the hook run before the pods, or null
 * @param postprocess the hook run after every pod exited 0, or null
 * @param onError the hook run when an attempt failed, or null
 * @param onTimeout the hook run when an attempt timed out, or null
 * @param stageIn what is copied into the job's work dir before the hooks and pods
 * @param stageOut what is copied out of the job's work dir at the end
 */
public record AppSteps(
    Hook preprocess,
    Hook postprocess,
    Hook onError,
    Hook onTimeout,
    List<StageIn> stageIn,
    List<StageOut> stageOut) {

  /** A hook's timeout when its app gives none, in seconds. */
  public static final int DEFAULT_HOOK_SECONDS = 600;

  /** Steps of a job with no app, or of an app with neither hooks nor transfers. */
  public static final AppSteps NONE = new AppSteps(null, null, null, null, List.of(), List.of());

  /** The steps of {@code app} for a job with these (validated) {@code parameters}. */
  public static AppSteps of(App app, Map<String, Object> parameters) {
    Map<String, String> texts = new LinkedHashMap<>();
    parameters.forEach((name, value) -> texts.put(name, AppTemplates.text(value)));
    return new AppSteps(
        hook(app.hooks().preprocess(), texts),
        hook(app.hooks().postprocess(), texts),
        hook(app.hooks().onError(), texts),
        hook(app.hooks().onTimeout(), texts),
        app.transfers().stageIn().stream()
            .map(
                in ->
                    new StageIn(
                        AppTemplates.render(in.source(), texts),
                        AppTemplates.render(in.path(), texts),
                        in.sha256()))
            .toList(),
        app.transfers().stageOut().stream()
            .map(
                out ->
                    new StageOut(
                        AppTemplates.render(out.path(), texts),
                        AppTemplates.render(out.destination(), texts)))
            .toList());
  }

  /** Whether anything comes before the pods: the job goes through {@code STAGED_IN} or so. */
  public boolean hasStepsBeforeRun() {
    return preprocess != null || !stageIn.isEmpty();
  }

  /** Whether anything follows the pods: the job goes through {@code RUN_DONE}. */
  public boolean hasStepsAfterRun() {
    return postprocess != null || !stageOut.isEmpty();
  }

  /** A hook's timeout in seconds. */
  public static int seconds(Hook hook) {
    return hook.timeoutSeconds() != null ? hook.timeoutSeconds() : DEFAULT_HOOK_SECONDS;
  }

  private static Hook hook(Hook hook, Map<String, String> texts) {
    if (hook == null) {
      return null;
    }
    return new Hook(
        hook.command().stream().map(item -> AppTemplates.render(item, texts)).toList(),
        seconds(hook));
  }
}
