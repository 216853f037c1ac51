package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.GuardedActions;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.tools.registry.Inputs;
import dev.jobkit.tools.registry.Outputs;
import dev.jobkit.tools.registry.Outputs.GuardedResult;
import dev.jobkit.tools.registry.Outputs.GuardedStatus;
import dev.jobkit.tools.registry.Outputs.JobView;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The guarded two-phase protocol for agents. First call: pre-check (the SDK's, from the lifecycle
 * table) and, if allowed, a token bound to what was seen; nothing is executed. Second call: the
 * token is verified and its nonce spent, the job is read again (a changed state is {@code
 * RACE_LOST}), the human gate of the mode runs, then the SDK's {@link GuardedActions} executes and
 * verifies.
 */
final class GuardedCalls {

  private final JobkitClient client;
  private final ConfirmationTokens tokens;
  private final Duration verifyTimeout;

  GuardedCalls(JobkitClient client, ConfirmationTokens tokens, Duration verifyTimeout) {
    this.client = client;
    this.tokens = tokens;
    this.verifyTimeout = verifyTimeout;
  }

  ToolResult run(Tool tool, Record input, ObjectNode args, ConfirmationMode mode, Confirmer gate) {
    String token = tokenOf(input);
    String canonical = canonical(args);
    if (token == null) {
      Precheck precheck = precheck(input);
      if (!precheck.allowed()) {
        return notAllowed(precheck);
      }
      if (mode == ConfirmationMode.DENY) {
        return refused(
            OutcomeKind.DECLINED, "confirmation_unavailable", howToEnable(tool), precheck);
      }
      ConfirmationTokens.Issued issued =
          tokens.issue(
              tool.name(),
              canonical,
              ToolExecutor.sorted(precheck.jobIds()),
              precheck.status() == null ? null : precheck.status().name());
      return new ToolResult(
          false,
          result(
              new GuardedResult(
                  GuardedStatus.CONFIRMATION_REQUIRED,
                  null,
                  null,
                  "Nothing was done. To go ahead, call "
                      + tool.name()
                      + " again with the same arguments and this confirmation_token; a person"
                      + " will be asked to confirm.",
                  view(precheck),
                  precheck.prompt(),
                  issued.token(),
                  issued.claims().expiresAt(),
                  null,
                  null,
                  null,
                  null,
                  null)));
    }
    ConfirmationTokens.Claims claims;
    try {
      claims = tokens.verify(token);
    } catch (ConfirmationTokens.Refusal r) {
      return refused(OutcomeKind.DECLINED, r.reason, r.getMessage(), null);
    }
    if (!claims.tool().equals(tool.name()) || !claims.args().equals(canonical)) {
      return refused(
          OutcomeKind.DECLINED,
          "token_for_other_call",
          "the confirmation token was issued for "
              + claims.tool()
              + " with other arguments; it confirms nothing else. Call "
              + tool.name()
              + " without a token to get one for these arguments.",
          null);
    }
    // Spent before acting: a token that reached this point is never accepted again.
    if (!tokens.spend(claims)) {
      return refused(
          OutcomeKind.DECLINED,
          "token_already_used",
          "the confirmation token was used already; each token confirms one call. Call "
              + tool.name()
              + " without a token to check again.",
          null);
    }
    // Read again after the nonce is spent: what the person confirms must still be what was seen.
    Precheck precheck = precheck(input);
    if (!precheck.allowed() || !matches(claims, precheck)) {
      return refused(
          OutcomeKind.RACE_LOST, "state_changed", changedMessage(tool, claims, precheck), precheck);
    }
    if (mode == ConfirmationMode.DENY) {
      return refused(OutcomeKind.DECLINED, "confirmation_unavailable", howToEnable(tool), precheck);
    }
    AtomicBoolean changedUnderUs = new AtomicBoolean();
    Confirmer human =
        p -> {
          if (!matches(claims, p)) {
            changedUnderUs.set(true);
            return false;
          }
          return gate.confirm(p);
        };
    Outcome outcome = execute(input, client.guarded(human).withVerifyTimeout(verifyTimeout));
    if (outcome.kind() == OutcomeKind.DECLINED && changedUnderUs.get()) {
      return refused(
          OutcomeKind.RACE_LOST,
          "state_changed",
          changedMessage(tool, claims, outcome.precheck()),
          outcome.precheck());
    }
    JobView job =
        input instanceof Inputs.StopJob in && outcome.executed()
            ? ToolExecutor.view(client.jobs().get(in.jobId()))
            : null;
    return fromOutcome(outcome, mode, job);
  }

  private static String tokenOf(Record input) {
    if (input instanceof Inputs.StopJob in) {
      return in.confirmationToken();
    } else if (input instanceof Inputs.DeleteJob in) {
      return in.confirmationToken();
    }
    return ((Inputs.FlushJobs) input).confirmationToken();
  }

  private Precheck precheck(Record input) {
    GuardedActions readOnly = client.guarded(Confirmers.denyAll());
    if (input instanceof Inputs.StopJob in) {
      return readOnly.precheckStop(in.jobId());
    } else if (input instanceof Inputs.DeleteJob in) {
      return readOnly.precheckDelete(in.jobId(), purge(in.purgeArtifacts()));
    }
    Inputs.FlushJobs in = (Inputs.FlushJobs) input;
    return readOnly.precheckFlush(scope(in), purge(in.purgeArtifacts()));
  }

  private static Outcome execute(Record input, GuardedActions actions) {
    if (input instanceof Inputs.StopJob in) {
      return actions.stop(in.jobId());
    } else if (input instanceof Inputs.DeleteJob in) {
      return actions.delete(in.jobId(), purge(in.purgeArtifacts()));
    }
    Inputs.FlushJobs in = (Inputs.FlushJobs) input;
    return actions.flush(scope(in), purge(in.purgeArtifacts()), Boolean.TRUE.equals(in.force()));
  }

  private static boolean purge(Boolean purgeArtifacts) {
    return purgeArtifacts == null || purgeArtifacts;
  }

  private static FlushScope scope(Inputs.FlushJobs in) {
    return in.scope() == Inputs.Scope.ALL ? FlushScope.ALL : FlushScope.ACTIVE;
  }

  /** Whether what is seen now is what the token was issued for. */
  private static boolean matches(ConfirmationTokens.Claims claims, Precheck now) {
    String status = now.status() == null ? null : now.status().name();
    return Objects.equals(claims.status(), status)
        && claims.jobs().equals(ToolExecutor.sorted(now.jobIds()));
  }

  private static String changedMessage(Tool tool, ConfirmationTokens.Claims claims, Precheck now) {
    String what =
        claims.status() != null
            ? "the job was "
                + claims.status()
                + " when the token was issued and is "
                + (now.status() == null ? "gone" : now.status().name())
                + " now"
            : "the jobs it would hit are not the ones the token was issued for";
    return what + "; nothing was done. Call " + tool.name() + " without a token to check again.";
  }

  private static String howToEnable(Tool tool) {
    return tool.name()
        + " is destructive and no person can confirm it here, so it is refused and nothing was"
        + " done. To enable it: use an MCP client that supports elicitation (it will ask the"
        + " person), or embed the executor with mode HOST and a Confirmer, or (trusted automation"
        + " only) set JOBKIT_MCP_CONFIRM=auto.";
  }

  private static ToolResult notAllowed(Precheck precheck) {
    boolean ended = precheck.status() != null && precheck.status().isTerminal();
    boolean stop = "stop".equals(precheck.action());
    return refused(
        stop && ended ? OutcomeKind.ALREADY_TERMINAL : OutcomeKind.NOT_ALLOWED_IN_STATE,
        stop && ended ? "already_terminal" : "not_allowed_in_state",
        precheck.consequence(),
        precheck);
  }

  private static ToolResult refused(
      OutcomeKind outcome, String reason, String message, Precheck precheck) {
    return new ToolResult(
        true,
        result(
            new GuardedResult(
                GuardedStatus.REFUSED,
                outcome,
                reason,
                message,
                precheck == null ? null : view(precheck),
                null,
                null,
                null,
                null,
                false,
                precheck == null ? null : precheck.status(),
                null,
                null)));
  }

  private static ToolResult fromOutcome(Outcome outcome, ConfirmationMode mode, JobView job) {
    String reason =
        switch (outcome.kind()) {
          case DECLINED -> "not_confirmed";
          case NOT_ALLOWED_IN_STATE -> "not_allowed_in_state";
          case ALREADY_TERMINAL -> "already_terminal";
          case RACE_LOST -> "state_changed";
          case APPLIED, UNVERIFIED -> null;
        };
    FlushResult flush = outcome.flush();
    GuardedResult result =
        new GuardedResult(
            outcome.executed() ? GuardedStatus.DONE : GuardedStatus.REFUSED,
            outcome.kind(),
            reason,
            outcome.message(),
            view(outcome.precheck()),
            null,
            null,
            null,
            outcome.confirmed() ? mode.approver() : null,
            outcome.verified(),
            outcome.finalStatus(),
            job,
            flush == null
                ? null
                : new Outputs.FlushView(
                    flush.matched(),
                    flush.stopped(),
                    flush.deleted(),
                    flush.skipped().stream()
                        .map(s -> new Outputs.SkippedView(s.id(), s.status(), s.reason()))
                        .toList()));
    // Done but unverified is not a failure of the call; refused is.
    return new ToolResult(!outcome.executed(), result(result));
  }

  private static Outputs.PrecheckView view(Precheck p) {
    return new Outputs.PrecheckView(
        p.action(),
        p.jobId(),
        p.displayName(),
        p.status(),
        p.allowed(),
        p.consequence(),
        p.jobIds());
  }

  private static ObjectNode result(GuardedResult result) {
    return Schemas.JSON.valueToTree(result);
  }

  /**
   * The arguments a token binds: without the token itself, nulls dropped (already), keys sorted at
   * every level, compact.
   */
  static String canonical(ObjectNode args) {
    ObjectNode copy = args.deepCopy();
    copy.remove("confirmation_token");
    return Schemas.JSON.writeValueAsString(sortedKeys(copy));
  }

  private static JsonNode sortedKeys(JsonNode node) {
    if (node instanceof ObjectNode object) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        sorted.put(e.getKey(), sortedKeys(e.getValue()));
      }
      ObjectNode out = Schemas.JSON.createObjectNode();
      sorted.forEach(out::set);
      return out;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode out = Schemas.JSON.createArrayNode();
      array.forEach(n -> out.add(sortedKeys(n)));
      return out;
    }
    return node;
  }
}
