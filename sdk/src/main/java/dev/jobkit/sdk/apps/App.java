package dev.jobkit.sdk.apps;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One version of an app, as the service keeps it: its {@link AppSpec} with the name, the version
 * the service gave it, and who put it when.
 *
 * @param name the app's name: lowercase letters, digits and '-', starting with a letter
 * @param version the version, counted from 1 by the service on each put of the name
 * @param description free text, or null
 * @param command the argv template; empty for a shell app
 * @param shell the shell script, or null
 * @param parameters the JSON Schema of its parameters; empty for an app without parameters
 * @param defaults what its jobs get when their submission does not say
 * @param env environment variables of its jobs, as templates
 * @param hooks its hooks
 * @param transfers its transfers
 * @param createdBy the admin who put this version
 * @param createdAt when this version was put
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record App(
    String name,
    int version,
    String description,
    List<String> command,
    String shell,
    Map<String, Object> parameters,
    AppDefaults defaults,
    Map<String, String> env,
    Hooks hooks,
    Transfers transfers,
    String createdBy,
    Instant createdAt) {

  /**
   * An app as sent or read; a missing list, map or part is read as empty, never null.
   *
   * @param name the app's name: lowercase letters, digits and '-', starting with a letter
   * @param version the version, counted from 1 by the service on each put of the name
   * @param description free text, or null
   * @param command the argv template; empty for a shell app
   * @param shell the shell script, or null
   * @param parameters the JSON Schema of its parameters; empty for an app without parameters
   * @param defaults what its jobs get when their submission does not say
   * @param env environment variables of its jobs, as templates
   * @param hooks its hooks
   * @param transfers its transfers
   * @param createdBy the admin who put this version
   * @param createdAt when this version was put
   */
  public App {
    command = command == null ? List.of() : command;
    parameters = parameters == null ? Map.of() : parameters;
    defaults = defaults == null ? AppDefaults.none() : defaults;
    env = env == null ? Map.of() : env;
    hooks = hooks == null ? Hooks.none() : hooks;
    transfers = transfers == null ? Transfers.none() : transfers;
  }

  /**
   * This version's definition, to change and put again as the next version.
   *
   * @return the spec this version was put with
   */
  public AppSpec spec() {
    return new AppSpec(description, command, shell, parameters, defaults, env, hooks, transfers);
  }
}
