package dev.jobkit.sdk.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What a job of an app gets when its submission does not say: each null means the service's own
 * default (1 pod, priority 5, no timeout, 1 attempt).
 *
 * @param podCount processes per attempt, 1 to the executor's slots
 * @param priority 1 (lowest) to 9 (highest)
 * @param timeoutSeconds how long an attempt may run, 1 to 30 days
 * @param maxAttempts how many times a job is launched at most (a timeout retries too), 1 to 100
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppDefaults(
    Integer podCount, Integer priority, Integer timeoutSeconds, Integer maxAttempts) {

  /**
   * No defaults of the app's own.
   *
   * @return defaults that leave every value to the service
   */
  public static AppDefaults none() {
    return new AppDefaults(null, null, null, null);
  }
}
