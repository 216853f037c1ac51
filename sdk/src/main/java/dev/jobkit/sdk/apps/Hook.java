package dev.jobkit.sdk.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A hook of an app: a command run in the job's work dir at one step of its lifecycle, with a time
 * limit of its own. Its argv is a template like the app's command ({@code {name}} items).
 *
 * @param command the argv, run without a shell; never null
 * @param timeoutSeconds how long it may run, 1 to 86,400; null for the service's default of 600
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hook(List<String> command, Integer timeoutSeconds) {

  /**
   * A Hook as sent or read; a missing list, map or part is read as empty, never null.
   *
   * @param command the argv, run without a shell; never null
   * @param timeoutSeconds how long it may run, 1 to 86,400; null for the service's default of 600
   */
  public Hook {
    command = command == null ? List.of() : command;
  }

  /**
   * A hook running {@code argv} for at most {@code timeoutSeconds}.
   *
   * @param timeoutSeconds how long it may run
   * @param argv the program and its arguments, each a template item
   * @return the hook
   */
  public static Hook of(int timeoutSeconds, String... argv) {
    return new Hook(List.of(argv), timeoutSeconds);
  }
}
