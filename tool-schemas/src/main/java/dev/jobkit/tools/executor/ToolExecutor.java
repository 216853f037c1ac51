package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitApiException;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.Problem;
import dev.jobkit.sdk.TransportException;
import dev.jobkit.sdk.WaitTimeoutException;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.jobs.Pod;
import dev.jobkit.sdk.jobs.Progress;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.users.User;
import dev.jobkit.tools.registry.Inputs;
import dev.jobkit.tools.registry.Outputs;
import dev.jobkit.tools.registry.Outputs.JobView;
import dev.jobkit.tools.registry.Outputs.ProgressView;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
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
  private static final java.util.regex.Pattern METRIC_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9_.:/-]{1,64}");

  private final JobkitClient client;
  private final ConfirmationMode mode;
  private final Confirmer confirmer;
  private final ArgumentValidator validator = new ArgumentValidator();
  private final GuardedCalls guarded;

  private ToolExecutor(Builder b) {
    this.client = b.client;
    this.mode = b.mode;
    this.confirmer = b.confirmer;
    if (mode == ConfirmationMode.HOST && confirmer == null) {
      throw new IllegalStateException("mode HOST needs a confirmer: builder.confirmer(...)");
    }
    this.guarded =
        new GuardedCalls(client, new ConfirmationTokens(b.clock, b.tokenLifetime), b.verifyTimeout);
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
    return execute(name, argumentsJson, mode, confirmer);
  }

  /**
   * Runs one tool call with the human gate of this call: the MCP server passes {@link
   * ConfirmationMode#ELICIT} and a confirmer that asks the human through the client.
   *
   * @param gate asks the human in modes {@code ELICIT} and {@code HOST}; ignored otherwise
   * @throws IllegalArgumentException when the mode asks a person and {@code gate} is null
   */
  public ToolResult execute(
      String name, String argumentsJson, ConfirmationMode callMode, Confirmer gate) {
    Objects.requireNonNull(callMode, "callMode");
    if ((callMode == ConfirmationMode.ELICIT || callMode == ConfirmationMode.HOST)
        && gate == null) {
      throw new IllegalArgumentException(
          "mode " + callMode + " needs a confirmer to ask the person");
    }
    Optional<Tool> found = name == null ? Optional.empty() : Tools.find(name);
    if (found.isEmpty()) {
      ObjectNode result = errorBody("unknown_tool", "there is no tool named '" + name + "'");
      ArrayNode names = ((ObjectNode) result.get("error")).putArray("tools");
      Tools.names().forEach(names::add);
      ((ObjectNode) result.get("error")).put("fix", "call one of the tools listed in error.tools");
      return new ToolResult(true, result);
    }
    Tool tool = found.get();
    JsonNode arguments;
    try {
      arguments =
          argumentsJson == null || argumentsJson.isBlank()
              ? Schemas.JSON.createObjectNode()
              : Schemas.JSON.readTree(argumentsJson);
    } catch (JacksonException e) {
      return invalid(tool, "the arguments are not valid JSON: " + e.getOriginalMessage(), null);
    }
    if (!arguments.isObject()) {
      return invalid(tool, "the arguments must be a JSON object, not " + arguments, null);
    }
    // Null means "left out" (OpenAI's strict mode sends every property, null when unused).
    ObjectNode args = withoutNulls((ObjectNode) arguments);
    List<ArgumentValidator.Violation> violations = validator.check(tool, args);
    if (!violations.isEmpty()) {
      return invalid(tool, "the arguments do not match the tool's input schema", violations);
    }
    try {
      Record input = Schemas.JSON.treeToValue(args, tool.input());
      return run(tool, input, args, callMode, gate);
    } catch (BadArguments e) {
      return invalid(tool, e.getMessage(), null);
    } catch (JobkitApiException e) {
      return apiError(e);
    } catch (TransportException e) {
      return error("service_unreachable", e.getMessage() + "; try again later");
    } catch (JobkitException e) {
      return error("failed", e.getMessage());
    } catch (RuntimeException e) {
      // A user sees a sentence, the log sees the cause.
      LOG.log(System.Logger.Level.ERROR, "tool " + tool.name() + " failed", e);
      return error(
          "internal", "the tool failed unexpectedly (" + e.getClass().getSimpleName() + ")");
    }
  }

  private ToolResult run(
      Tool tool, Record input, ObjectNode args, ConfirmationMode callMode, Confirmer gate) {
    // Java 17: no pattern matching for switch, so one instanceof per input record.
    if (input instanceof Inputs.ListJobs in) {
      return ok(listJobs(in));
    } else if (input instanceof Inputs.GetJob in) {
      return ok(new Outputs.JobResult(view(client.jobs().get(in.jobId()))));
    } else if (input instanceof Inputs.SubmitJob in) {
      return ok(new Outputs.JobResult(view(submit(in))));
    } else if (input instanceof Inputs.UpdateJob in) {
      return ok(new Outputs.JobResult(view(update(in))));
    } else if (input instanceof Inputs.GetJobLogs in) {
      return ok(logs(in));
    } else if (input instanceof Inputs.GetJobEvents in) {
      return ok(events(in));
    } else if (input instanceof Inputs.WaitForJob in) {
      return ok(waitFor(in));
    } else if (input instanceof Inputs.Whoami) {
      return ok(whoami());
    } else if (tool.guarded()) {
      return guarded.run(tool, input, args, callMode, gateFor(callMode, gate));
    }
    throw new IllegalStateException("no handler for tool " + tool.name());
  }

  private Confirmer gateFor(ConfirmationMode callMode, Confirmer gate) {
    return switch (callMode) {
      case ELICIT, HOST -> gate;
      case AUTO ->
          precheck -> {
            LOG.log(
                System.Logger.Level.INFO,
                "agent-approved (mode auto): " + precheck.action() + " " + precheck.jobIds());
            return true;
          };
      case DENY -> precheck -> false;
    };
  }

  private Outputs.JobList listJobs(Inputs.ListJobs in) {
    JobQuery.Builder query = JobQuery.builder().limit(in.limit() == null ? 20 : in.limit());
    if (in.status() != null) {
      in.status().forEach(s -> query.status(status(s)));
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

  private Job submit(Inputs.SubmitJob in) {
    if ((in.command() == null) == (in.shell() == null)) {
      throw new BadArguments(
          "give exactly one of command (an argv such as [\"python\", \"train.py\"]) and shell (a"
              + " script such as \"make test\"), not "
              + (in.command() == null ? "neither" : "both"));
    }
    JobSpec.Builder spec = JobSpec.builder();
    if (in.command() != null) {
      spec.command(in.command());
    } else {
      spec.shell(in.shell());
    }
    if (in.displayName() != null) {
      spec.displayName(in.displayName());
    }
    if (in.description() != null) {
      spec.description(in.description());
    }
    if (in.priority() != null) {
      spec.priority(in.priority());
    }
    if (in.podCount() != null) {
      spec.podCount(in.podCount());
    }
    if (in.timeoutSeconds() != null) {
      spec.timeoutSeconds(in.timeoutSeconds());
    }
    if (in.maxAttempts() != null) {
      spec.maxAttempts(in.maxAttempts());
    }
    if (in.tags() != null) {
      in.tags().forEach(t -> spec.tag(t.key(), t.value()));
    }
    if (in.env() != null) {
      in.env().forEach(e -> spec.env(e.name(), e.value()));
    }
    if (in.parents() != null) {
      spec.parents(in.parents().toArray(String[]::new));
    }
    if (in.accessibility() != null) {
      spec.accessibility(in.accessibility());
    }
    return in.idempotencyKey() == null
        ? client.jobs().submit(spec.build())
        : client.jobs().submit(spec.build(), in.idempotencyKey());
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
                        e.fromStatus(), e.toStatus(), e.at(), e.actor(), e.actorKind(), e.reason()))
            .toList();
    return new Outputs.EventList(in.jobId(), events, omitted);
  }

  private Outputs.WaitResult waitFor(Inputs.WaitForJob in) {
    Predicate<JobStatus> reached;
    if (in.until() == null || in.until().isEmpty()) {
      reached = JobStatus::isTerminal;
    } else {
      Set<JobStatus> wanted = EnumSet.noneOf(JobStatus.class);
      in.until().forEach(s -> wanted.add(status(s)));
      reached = wanted::contains;
    }
    Duration timeout = Duration.ofSeconds(in.timeoutSeconds() == null ? 60 : in.timeoutSeconds());
    try {
      Job job = client.jobs().await(in.jobId(), reached, timeout);
      return new Outputs.WaitResult(reached.test(job.status()), false, view(job));
    } catch (WaitTimeoutException e) {
      return new Outputs.WaitResult(false, true, view(e.lastSeen()));
    }
  }

  private Outputs.Identity whoami() {
    User me = client.users().me();
    return new Outputs.Identity(
        me.name(),
        Schemas.JSON.valueToTree(me.role()).asString(),
        Schemas.JSON.valueToTree(me.schedulingMode()).asString());
  }

  private static JobStatus status(String text) {
    try {
      return JobStatus.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadArguments(e.getMessage());
    }
  }

  /** A job as tools show it: what the job wrote itself is fenced as untrusted. */
  static JobView view(Job j) {
    List<Integer> exitCodes =
        j.pods() == null
                || j.pods().isEmpty()
                || j.pods().stream().allMatch(p -> p.exitCode() == null)
            ? null
            : j.pods().stream().map(Pod::exitCode).toList();
    return new JobView(
        j.id(),
        j.displayName(),
        j.description(),
        j.owner(),
        j.status(),
        j.statusReason(),
        j.priority(),
        j.accessibility(),
        j.podCount(),
        j.command(),
        j.shell(),
        j.tags() == null || j.tags().isEmpty() ? null : j.tags(),
        j.parents() == null || j.parents().isEmpty() ? null : j.parents(),
        j.attempt(),
        j.maxAttempts(),
        j.timeoutSeconds(),
        exitCodes,
        j.lastError() == null
            ? null
            : Untrusted.fence(j.lastError(), Untrusted.ERROR_BUDGET, false, false),
        progress(j.progress()),
        metrics(j.metrics()),
        j.createdAt(),
        j.startedAt(),
        j.finishedAt());
  }

  private static ProgressView progress(Progress progress) {
    if (progress == null) {
      return null;
    }
    return new ProgressView(
        progress.percent(),
        progress.message() == null
            ? null
            : Untrusted.fence(progress.message(), Untrusted.ERROR_BUDGET, false, false),
        progress.updatedAt());
  }

  /** Metric names are the job's words too: only names that cannot carry a sentence pass. */
  private static Map<String, Double> metrics(Map<String, Double> metrics) {
    if (metrics == null || metrics.isEmpty()) {
      return null;
    }
    Map<String, Double> safe = new java.util.TreeMap<>();
    metrics.forEach(
        (name, value) -> {
          if (METRIC_NAME.matcher(name).matches()) {
            safe.put(name, value);
          }
        });
    return safe.isEmpty() ? null : safe;
  }

  private static ToolResult ok(Record output) {
    return new ToolResult(false, Schemas.JSON.valueToTree(output));
  }

  private static ObjectNode errorBody(String code, String detail) {
    ObjectNode result = Schemas.JSON.createObjectNode();
    ObjectNode error = result.putObject("error");
    error.put("code", code);
    error.put("detail", detail);
    return result;
  }

  static ToolResult error(String code, String detail) {
    return new ToolResult(true, errorBody(code, detail));
  }

  private static ToolResult invalid(
      Tool tool, String detail, List<ArgumentValidator.Violation> violations) {
    ObjectNode result = errorBody("invalid_arguments", detail);
    ObjectNode error = (ObjectNode) result.get("error");
    if (violations != null) {
      ArrayNode list = error.putArray("errors");
      for (ArgumentValidator.Violation v : violations) {
        list.addObject().put("field", v.field()).put("problem", v.problem());
      }
    }
    error.put(
        "fix",
        "call "
            + tool.name()
            + " again with arguments that match its input schema"
            + (violations == null ? "" : ", correcting each entry of error.errors"));
    return new ToolResult(true, result);
  }

  private static ToolResult apiError(JobkitApiException e) {
    Problem problem = e.problem();
    String detail = problem != null && problem.detail() != null ? problem.detail() : e.getMessage();
    ObjectNode result = errorBody(e.code().orElse("http_" + e.status()), detail);
    ObjectNode error = (ObjectNode) result.get("error");
    error.put("http_status", e.status());
    if (problem != null) {
      if (problem.currentStatus() != null) {
        error.put("current_status", problem.currentStatus().name());
      }
      if (problem.allowedStatuses() != null) {
        ArrayNode allowed = error.putArray("allowed_statuses");
        problem.allowedStatuses().forEach(s -> allowed.add(s.name()));
      }
      if (problem.errors() != null) {
        ArrayNode list = error.putArray("errors");
        problem
            .errors()
            .forEach(f -> list.addObject().put("field", f.field()).put("problem", f.reason()));
      }
    }
    e.requestId().ifPresent(id -> error.put("request_id", id));
    return new ToolResult(true, result);
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

  static List<String> sorted(List<String> ids) {
    List<String> copy = new ArrayList<>(ids);
    copy.sort(null);
    return List.copyOf(copy);
  }
}
