package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobkitApiException;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.TransportException;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.tools.registry.Inputs;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs agent tool calls against a Jobkit service. Every call is checked against its tool's schema
 * before anything runs; every answer is structured JSON, with {@code isError} and an {@code error}
 * object ({@code code}, {@code detail}) on failure; text a job wrote comes back fenced as untrusted
 * and cut to a budget. Destructive tools ({@code stop_job}, {@code delete_job}, {@code flush_jobs})
 * follow the guarded two-phase protocol: the first call answers {@code confirmation_required} with
 * a signed, single-use token and executes nothing; the second carries the token, and then a
 * person's yes must arrive through the mode's channel.
 *
 * <pre>{@code
 * JobkitClient client = JobkitClient.fromEnvironment().actingAsAgent().build();
 * ToolExecutor tools = ToolExecutor.builder(client)
 *     .mode(ConfirmationMode.HOST)
 *     .confirmer(precheck -> myDialog.ask(precheck.prompt()))
 *     .build();
 * ToolResult result = tools.execute("list_jobs", "{\"status\": [\"running\"]}");
 * }</pre>
 *
 * <p>Thread-safe: one executor serves many calls, and its tokens are only valid with it.
 */
public final class ToolExecutor {

  private static final System.Logger LOG = System.getLogger(ToolExecutor.class.getName());

  private final ConfirmationMode mode;
  private final Confirmer confirmer;
  private final ArgumentValidator validator = new ArgumentValidator();
  private final ToolHandlers handlers;

  private ToolExecutor(Builder b) {
    this.mode = b.mode;
    this.confirmer = b.confirmer;
    if (mode == ConfirmationMode.HOST && confirmer == null) {
      throw new IllegalStateException("mode HOST needs a confirmer: builder.confirmer(...)");
    }
    this.handlers =
        ToolHandlers.of(
            b.client,
            b.verifyTimeout,
            b.callLimit,
            new GuardedCalls(new ConfirmationTokens(b.clock, b.tokenLifetime)));
  }

  /** Starts an executor over {@code client}; build the client with {@code actingAsAgent()}. */
  public static Builder builder(JobkitClient client) {
    return new Builder(client);
  }

  /** The confirmation mode calls use unless they name their own. */
  public ConfirmationMode mode() {
    return mode;
  }

  /**
   * Runs one tool call in the executor's confirmation mode.
   *
   * @param name the tool's name ({@code list_jobs})
   * @param argumentsJson its arguments, a JSON object (null or blank for none)
   */
  public ToolResult execute(String name, String argumentsJson) {
    return execute(
        name,
        argumentsJson,
        CallContext.of(mode, confirmer == null ? null : HumanGate.of(confirmer)));
  }

  /**
   * Runs one tool call in the context of that call: the MCP server passes {@link
   * ConfirmationMode#ELICIT} with a gate that asks the person through the client, the progress
   * token's sink and whether the client canceled the request.
   */
  public ToolResult execute(String name, String argumentsJson, CallContext call) {
    Objects.requireNonNull(call, "call");
    Optional<Tool> found = name == null ? Optional.empty() : Tools.find(name);
    if (found.isEmpty()) {
      return unknownTool(name);
    }
    Tool tool = found.get();
    JsonNode arguments;
    try {
      arguments =
          argumentsJson == null || argumentsJson.isBlank()
              ? Schemas.JSON.createObjectNode()
              : Schemas.JSON.readTree(argumentsJson);
    } catch (JacksonException e) {
      return ToolErrors.invalid(
          tool, "the arguments are not valid JSON: " + e.getOriginalMessage(), null);
    }
    if (!arguments.isObject()) {
      return ToolErrors.invalid(
          tool, "the arguments must be a JSON object, not " + arguments, null);
    }
    // Null means "left out" (OpenAI's strict mode sends every property, null when unused).
    ObjectNode args = withoutNulls((ObjectNode) arguments);
    List<ArgumentValidator.Violation> violations = validator.check(tool, args);
    if (!violations.isEmpty()) {
      return ToolErrors.invalid(
          tool, "the arguments do not match the tool's input schema", violations);
    }
    try {
      Record input = Schemas.JSON.treeToValue(args, tool.input());
      return handlers.handle(tool, input, args, call);
    } catch (BadArguments e) {
      return ToolErrors.invalid(tool, e.getMessage(), null);
    } catch (WaitCanceled e) {
      return ToolErrors.error(
          "canceled", "the caller canceled the call; nothing was changed", null);
    } catch (JobkitApiException e) {
      return ToolErrors.api(e);
    } catch (TransportException e) {
      return ToolErrors.error("service_unreachable", e.getMessage(), "try again in a moment");
    } catch (JobkitException e) {
      return ToolErrors.error("failed", e.getMessage(), null);
    } catch (RuntimeException e) {
      // A user sees a sentence, the log sees the cause.
      LOG.log(System.Logger.Level.ERROR, "tool " + tool.name() + " failed", e);
      return ToolErrors.error(
          "internal",
          "the tool failed unexpectedly (" + e.getClass().getSimpleName() + ")",
          "try again; if it keeps failing, report it with the service's log");
    }
  }

  /** The answer to a call of a tool that does not exist: the tools that do. */
  public static ToolResult unknownTool(String name) {
    return unknownTool(name, Tools.names());
  }

  /** The answer to a call of a tool that does not exist: the tools {@code offered}. */
  public static ToolResult unknownTool(String name, List<String> offered) {
    return ToolErrors.unknownTool(name, offered);
  }

  /** The arguments without null properties, at every level of objects. */
  static ObjectNode withoutNulls(ObjectNode node) {
    ObjectNode copy = node.deepCopy();
    for (Iterator<Map.Entry<String, JsonNode>> it = copy.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        it.remove();
      } else if (e.getValue() instanceof ObjectNode child) {
        e.setValue(withoutNulls(child));
      } else if (e.getValue() instanceof ArrayNode array) {
        for (int i = 0; i < array.size(); i++) {
          if (array.get(i) instanceof ObjectNode child) {
            array.set(i, withoutNulls(child));
          }
        }
      }
    }
    return copy;
  }

  /** A wait the caller gave up on. */
  static final class WaitCanceled extends RuntimeException {
    WaitCanceled() {
      super("canceled", null, false, false);
    }
  }

  /** Arguments that pass the schema but still make no sense together. */
  static final class BadArguments extends RuntimeException {
    BadArguments(String message) {
      super(message, null, false, false);
    }
  }

  /** Builds a {@link ToolExecutor}. */
  public static final class Builder {
    private final JobkitClient client;
    private ConfirmationMode mode = ConfirmationMode.DENY;
    private Confirmer confirmer;
    private Clock clock = Clock.systemUTC();
    private Duration tokenLifetime = ConfirmationTokens.MAX_LIFETIME;
    private Duration verifyTimeout = Duration.ofSeconds(60);
    private Duration callLimit = Duration.ofSeconds(Inputs.WAIT_CALL_LIMIT_SECONDS);

    private Builder(JobkitClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** Where the human's yes comes from (default {@link ConfirmationMode#DENY}). */
    public Builder mode(ConfirmationMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Who says yes in mode {@link ConfirmationMode#HOST}: the application's own UI. */
    public Builder confirmer(Confirmer confirmer) {
      this.confirmer = Objects.requireNonNull(confirmer, "confirmer");
      return this;
    }

    /** The clock token expiry is read from (tests move it). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long a confirmation token lives: more than zero, at most 2 minutes (the default). */
    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /** How long the verify step waits for the end state (default 60 s). */
    public Builder verifyTimeout(Duration timeout) {
      this.verifyTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The longest one {@code wait_for_job} or {@code get_operation} call waits, and the longest a
     * flush is followed before its answer names the operation to follow further: whole seconds,
     * from 1 to {@link Inputs#WAIT_CALL_LIMIT_SECONDS} (the default, under the 60 s MCP clients
     * give a request). A host whose client gives up sooner sets less.
     */
    public Builder callLimit(Duration limit) {
      Objects.requireNonNull(limit, "limit");
      if (limit.toMillis() % 1000 != 0
          || limit.toSeconds() < 1
          || limit.toSeconds() > Inputs.WAIT_CALL_LIMIT_SECONDS) {
        throw new IllegalArgumentException(
            "the call limit is whole seconds from 1 to "
                + Inputs.WAIT_CALL_LIMIT_SECONDS
                + ", not "
                + limit);
      }
      this.callLimit = limit;
      return this;
    }

    /** The executor; its token key is made now, in memory. */
    public ToolExecutor build() {
      return new ToolExecutor(this);
    }
  }
}
