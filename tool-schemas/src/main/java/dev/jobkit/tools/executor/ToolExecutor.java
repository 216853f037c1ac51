package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitApiException;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.TransportException;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.tools.registry.Inputs;
import dev.jobkit.tools.registry.Outputs;
import dev.jobkit.tools.registry.Outputs.JobView;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

  private final JobkitClient client;
  private final ConfirmationMode mode;
  private final Confirmer confirmer;
  private final ArgumentValidator validator = new ArgumentValidator();
  private final GuardedCalls guarded;
  private final Waits waits;
  private final Duration verifyTimeout;

  private ToolExecutor(Builder b) {
    this.client = b.client;
    this.mode = b.mode;
    this.confirmer = b.confirmer;
    if (mode == ConfirmationMode.HOST && confirmer == null) {
      throw new IllegalStateException("mode HOST needs a confirmer: builder.confirmer(...)");
    }
    this.guarded = new GuardedCalls(new ConfirmationTokens(b.clock, b.tokenLifetime));
    this.verifyTimeout = b.verifyTimeout;
    this.waits = new Waits(client);
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
      if (tool.guarded()) {
        return guarded.run(tool, GuardedAction.of(input, client, verifyTimeout), args, call);
      }
      return ok(run(input, call));
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

  private Record run(Record input, CallContext call) {
    // Java 17: no pattern matching for switch, so one instanceof per input record.
    if (input instanceof Inputs.ListJobs in) {
      return listJobs(in);
    } else if (input instanceof Inputs.GetJob in) {
      return new Outputs.JobResult(getJob(in.jobId()));
    } else if (input instanceof Inputs.UpdateJob in) {
      return new Outputs.JobResult(JobViews.of(update(in)));
    } else if (input instanceof Inputs.GetJobLogs in) {
      return logs(in);
    } else if (input instanceof Inputs.GetJobEvents in) {
      return events(in);
    } else if (input instanceof Inputs.WaitForJob in) {
      return waits.waitFor(in, call);
    } else if (input instanceof Inputs.GetOperation in) {
      return waits.operation(in, call);
    } else if (input instanceof Inputs.Whoami) {
      return GuardedAction.identity(client.users().me());
    } else if (input instanceof Inputs.ListUsers) {
      return new Outputs.UserList(
          client.users().list().stream().map(GuardedAction::identity).toList());
    }
    throw new IllegalStateException("no handler for " + input.getClass().getSimpleName());
  }

  /** A job with its command, and for a job that failed, the end of its log. */
  private JobView getJob(String id) {
    Job job = client.jobs().get(id);
    LogTail tail = null;
    if (job.status() == JobStatus.FAILED) {
      try {
        tail = client.jobs().logs(id).pod(0).tail(JobViews.LOG_TAIL_BUDGET);
      } catch (JobkitApiException noLog) {
        tail = null; // the job is still worth showing without it
      }
    }
    return JobViews.of(job, true, tail);
  }

  private Outputs.JobList listJobs(Inputs.ListJobs in) {
    JobQuery.Builder query = JobQuery.builder().limit(in.limit() == null ? 20 : in.limit());
    if (in.status() != null) {
      in.status().forEach(s -> statuses(s).forEach(query::status));
    }
    if (in.createdAfter() != null) {
      query.createdAfter(Instant.parse(in.createdAfter()));
    }
    if (in.createdBefore() != null) {
      query.createdBefore(Instant.parse(in.createdBefore()));
    }
    if (in.owner() != null) {
      query.owner(in.owner());
    }
    if (in.nameContains() != null) {
      query.nameContains(in.nameContains());
    }
    if (in.tags() != null) {
      in.tags().forEach(t -> query.tag(t.key(), t.value()));
    }
    if (in.parent() != null) {
      query.parent(in.parent());
    }
    var page = client.jobs().list(query.build().withCursor(in.cursor()));
    List<Outputs.JobSummary> jobs =
        page.items().stream()
            .map(
                j ->
                    new Outputs.JobSummary(
                        j.id(),
                        j.displayName(),
                        j.owner(),
                        j.status(),
                        j.statusReason(),
                        j.priority(),
                        j.createdAt(),
                        j.finishedAt()))
            .toList();
    return new Outputs.JobList(jobs, page.nextCursor());
  }

  private Job update(Inputs.UpdateJob in) {
    if (in.displayName() == null
        && in.description() == null
        && in.priority() == null
        && in.accessibility() == null
        && in.podCount() == null) {
      throw new BadArguments(
          "give at least one field to change: display_name, description, priority,"
              + " accessibility or pod_count");
    }
    return client
        .jobs()
        .update(
            in.jobId(),
            new JobUpdate(
                in.displayName(),
                in.description(),
                in.priority(),
                in.accessibility(),
                in.podCount()));
  }

  private Outputs.LogResult logs(Inputs.GetJobLogs in) {
    int pod = in.pod() == null ? 0 : in.pod();
    int chars = in.maxChars() == null ? 4_000 : in.maxChars();
    LogTail tail = client.jobs().logs(in.jobId()).pod(pod).tail(chars);
    return new Outputs.LogResult(
        tail.jobId(),
        tail.pod(),
        tail.sizeBytes(),
        Untrusted.fence(tail.content(), chars, true, tail.truncated()));
  }

  private Outputs.EventList events(Inputs.GetJobEvents in) {
    List<JobEvent> all = client.jobs().events(in.jobId());
    int limit = in.limit() == null ? 100 : in.limit();
    int omitted = Math.max(0, all.size() - limit);
    List<Outputs.EventView> events =
        all.subList(omitted, all.size()).stream()
            .map(
                e ->
                    new Outputs.EventView(
                        e.kind(),
                        e.fromStatus(),
                        e.toStatus(),
                        e.at(),
                        e.actor(),
                        e.actorKind(),
                        e.reason(),
                        e.oldValue(),
                        e.newValue()))
            .toList();
    return new Outputs.EventList(in.jobId(), events, omitted);
  }

  /** A state by name or alias, or one of the groups {@code active} and {@code ended}. */
  static List<JobStatus> statuses(String text) {
    String group = text.strip().toLowerCase(java.util.Locale.ROOT);
    if (group.equals("active") || group.equals("ended")) {
      boolean ended = group.equals("ended");
      return java.util.Arrays.stream(JobStatus.values())
          .filter(s -> s.isTerminal() == ended)
          .toList();
    }
    try {
      return List.of(JobStatus.parse(text));
    } catch (IllegalArgumentException e) {
      throw new BadArguments(e.getMessage() + "; or use the groups active and ended");
    }
  }

  private static ToolResult ok(Record output) {
    return new ToolResult(false, Schemas.JSON.valueToTree(output));
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

    /** The executor; its token key is made now, in memory. */
    public ToolExecutor build() {
      return new ToolExecutor(this);
    }
  }
}
