package dev.jobkit.sdk.apps;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The hooks of an app, each optional (null when the app has none): {@code preprocess} runs before
 * the pods are launched, {@code postprocess} after they all exited 0, {@code onError} after a pod
 * failed, {@code onTimeout} after an attempt ran out of time.
 *
 * @param preprocess run before the pods, or null
 * @param postprocess run after a successful run, or null
 * @param onError run after a failed run, or null
 * @param onTimeout run after a run that timed out, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hooks(Hook preprocess, Hook postprocess, Hook onError, Hook onTimeout) {

  /**
   * No hooks.
   *
   * @return hooks that are all absent
   */
  public static Hooks none() {
    return new Hooks(null, null, null, null);
  }

  /**
   * Whether the app has no hook at all.
   *
   * @return true when every hook is null
   */
  @JsonIgnore
  public boolean isEmpty() {
    return preprocess == null && postprocess == null && onError == null && onTimeout == null;
  }
}
