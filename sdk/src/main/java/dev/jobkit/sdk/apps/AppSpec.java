package dev.jobkit.sdk.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The definition of an app, as an admin sends it ({@code PUT /api/v1/apps/{name}}); the service
 * gives each one it accepts the next version number. Exactly one of {@code command} and {@code
 * shell} is required.
 *
 * <pre>{@code
 * AppSpec spec = AppSpec.builder()
 *     .description("trains a model")
 *     .command("python", "train.py", "--lr={lr}", "{dataset}")
 *     .parameters(Map.of(
 *         "type", "object",
 *         "required", List.of("dataset"),
 *         "properties", Map.of(
 *             "dataset", Map.of("type", "string"),
 *             "lr", Map.of("type", "number", "exclusiveMinimum", 0, "default", 1e-4))))
 *     .defaults(new AppDefaults(null, null, 3600, 3))
 *     .build();
 * }</pre>
 *
 * @param description free text
 * @param command the argv template: an item {@code {name}} is replaced whole by the parameter's
 *     value, {@code --lr={lr}} inside the item; {@code {{} and {@code }}} stand for literal braces;
 *     empty when the app has a shell template
 * @param shell a script run with {@code /bin/sh -c}, never templated: it reads its parameters from
 *     the environment ({@code $JOBKIT_PARAM_LR}); or null
 * @param parameters the JSON Schema (2020-12) of the parameters: an object schema whose {@code
 *     properties} name them; empty for an app without parameters
 * @param defaults what its jobs get when their submission does not say
 * @param env environment variables of its jobs, each value a template like a command item
 * @param hooks commands run at steps of the lifecycle
 * @param transfers inputs staged in and outputs staged out
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AppSpec(
    String description,
    List<String> command,
    String shell,
    Map<String, Object> parameters,
    AppDefaults defaults,
    Map<String, String> env,
    Hooks hooks,
    Transfers transfers) {

  /**
   * A spec as sent or read; a missing list, map or part is read as empty, never null.
   *
   * @param description free text
   * @param command the argv template: an item {@code {name}} is replaced whole by the parameter's
   *     value, {@code --lr={lr}} inside the item; {@code {{} and {@code }}} stand for literal
   *     braces; empty when the app has a shell template
   * @param shell a script run with {@code /bin/sh -c}, never templated: it reads its parameters
   *     from the environment ({@code $JOBKIT_PARAM_LR}); or null
   * @param parameters the JSON Schema (2020-12) of the parameters: an object schema whose {@code
   *     properties} name them; empty for an app without parameters
   * @param defaults what its jobs get when their submission does not say
   * @param env environment variables of its jobs, each value a template like a command item
   * @param hooks commands run at steps of the lifecycle
   * @param transfers inputs staged in and outputs staged out
   */
  public AppSpec {
    command = command == null ? List.of() : command;
    parameters = parameters == null ? Map.of() : parameters;
    defaults = defaults == null ? AppDefaults.none() : defaults;
    env = env == null ? Map.of() : env;
    hooks = hooks == null ? Hooks.none() : hooks;
    transfers = transfers == null ? Transfers.none() : transfers;
  }

  /**
   * Starts a spec; call {@link Builder#command} or {@link Builder#shell}, then build.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link AppSpec}; not thread-safe. */
  public static final class Builder {
    private String description;
    private List<String> command = List.of();
    private String shell;
    private Map<String, Object> parameters = Map.of();
    private AppDefaults defaults = AppDefaults.none();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Hook preprocess;
    private Hook postprocess;
    private Hook onError;
    private Hook onTimeout;
    private final List<StageIn> stageIn = new ArrayList<>();
    private final List<StageOut> stageOut = new ArrayList<>();

    private Builder() {}

    /**
     * Free text about the app.
     *
     * @param description what the app does
     * @return this builder
     */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /**
     * The argv template, run without a shell.
     *
     * @param argv the program and its arguments; {@code {name}} items take parameter values
     * @return this builder
     */
    public Builder command(String... argv) {
      this.command = List.of(argv);
      return this;
    }

    /**
     * The argv template, run without a shell.
     *
     * @param argv the program and its arguments; copied
     * @return this builder
     */
    public Builder command(List<String> argv) {
      this.command = List.copyOf(argv);
      return this;
    }

    /**
     * A script run with {@code /bin/sh -c} instead of a command; it is not templated and reads its
     * parameters from {@code JOBKIT_PARAM_*} variables.
     *
     * @param script the script
     * @return this builder
     */
    public Builder shell(String script) {
      this.shell = script;
      return this;
    }

    /**
     * The JSON Schema (2020-12) of the app's parameters.
     *
     * @param schema an object schema, as maps and lists; copied
     * @return this builder
     */
    public Builder parameters(Map<String, Object> schema) {
      this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(schema));
      return this;
    }

    /**
     * What the app's jobs get when their submission does not say.
     *
     * @param defaults pods, priority, timeout and attempts
     * @return this builder
     */
    public Builder defaults(AppDefaults defaults) {
      this.defaults = defaults;
      return this;
    }

    /**
     * Adds an environment variable of the app's jobs.
     *
     * @param name the variable's name
     * @param template its value; {@code {name}} takes a parameter's value
     * @return this builder
     */
    public Builder env(String name, String template) {
      this.env.put(name, template);
      return this;
    }

    /**
     * The hook run before the pods are launched.
     *
     * @param hook the command and its time limit
     * @return this builder
     */
    public Builder preprocess(Hook hook) {
      this.preprocess = hook;
      return this;
    }

    /**
     * The hook run after every pod exited 0.
     *
     * @param hook the command and its time limit
     * @return this builder
     */
    public Builder postprocess(Hook hook) {
      this.postprocess = hook;
      return this;
    }

    /**
     * The hook run after a pod failed.
     *
     * @param hook the command and its time limit
     * @return this builder
     */
    public Builder onError(Hook hook) {
      this.onError = hook;
      return this;
    }

    /**
     * The hook run after an attempt timed out.
     *
     * @param hook the command and its time limit
     * @return this builder
     */
    public Builder onTimeout(Hook hook) {
      this.onTimeout = hook;
      return this;
    }

    /**
     * Adds an input staged into the work dir before the run.
     *
     * @param transfer its source, path and optional checksum
     * @return this builder
     */
    public Builder stageIn(StageIn transfer) {
      this.stageIn.add(transfer);
      return this;
    }

    /**
     * Adds an output staged out of the work dir after a successful run.
     *
     * @param transfer its path and destination
     * @return this builder
     */
    public Builder stageOut(StageOut transfer) {
      this.stageOut.add(transfer);
      return this;
    }

    /**
     * The spec as set so far.
     *
     * @return the spec; the service validates it when it is put, not this method
     */
    public AppSpec build() {
      return new AppSpec(
          description,
          command,
          shell,
          parameters,
          defaults,
          Map.copyOf(env),
          new Hooks(preprocess, postprocess, onError, onTimeout),
          new Transfers(List.copyOf(stageIn), List.copyOf(stageOut)));
    }
  }
}
