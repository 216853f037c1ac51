package dev.jobkit.tools.executor;

import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.lifecycle.Operation;
import dev.jobkit.tools.executor.HumanGate.Answer;
import dev.jobkit.tools.registry.Outputs.GuardedResult;
import dev.jobkit.tools.registry.Outputs.GuardedStatus;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The guarded protocol for agents, for every guarded tool ({@link GuardedAction} says what each one
 * checks and does).
 *
 * <ul>
 *   <li>Mode {@code ELICIT}, no token: one call. Pre-check; the person is asked through the client
 *       (asked again if the job changes before it runs); the answer is the outcome.
 *   <li>Otherwise, no token: pre-check and, if allowed, a token bound to what was seen; nothing is
 *       executed.
 *   <li>With a token: verified and spent before anything else, the pre-check is read again (a
 *       change is {@code RACE_LOST}), the mode's gate asks, then the action runs and is verified.
 * </ul>
 *
 * <p>Mode {@code DENY} refuses every guarded call, saying how to enable them.
 */
final class GuardedCalls {

  private final ConfirmationTokens tokens;

  GuardedCalls(ConfirmationTokens tokens) {
    this.tokens = tokens;
  }

  ToolResult run(Tool tool, GuardedAction action, ObjectNode args, CallContext call) {
    String token = action.token();
    String canonical = canonical(args);
    ConfirmationMode mode = call.mode();
    if (token == null) {
      Precheck precheck = action.precheck();
      if (!precheck.allowed()) {
        return notAllowed(precheck);
      }
      if (mode == ConfirmationMode.DENY) {
        return refused(
            OutcomeKind.DECLINED, "confirmation_unavailable", howToEnable(tool), precheck);
      }
      if (mode == ConfirmationMode.ELICIT) {
        AtomicReference<Answer> answer = new AtomicReference<>();
        Outcome outcome = action.execute(asking(call.gate(), answer));
        return finish(action, outcome, mode, answer.get());
      }
      ConfirmationTokens.Issued issued;
      try {
        issued = tokens.issue(tool.name(), canonical, action.bound(precheck), statusOf(precheck));
      } catch (ConfirmationTokens.Refusal r) {
        return refused(OutcomeKind.DECLINED, r.reason, r.getMessage(), precheck);
      }
      return new ToolResult(
          false,
          result(
              GuardedResultBuilder.of(GuardedStatus.CONFIRMATION_REQUIRED)
                  .message(
                      "Nothing was done. To go ahead, call "
                          + tool.name()
                          + " again with the same arguments and this confirmation_token; a person"
                          + " will be asked to confirm.")
                  .precheck(precheck)
                  .prompt(precheck.prompt())
                  .token(issued.token(), issued.claims().expiresAt())
                  .build()));
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
    if (!tokens.spend(token)) {
      return refused(
          OutcomeKind.DECLINED,
          "token_already_used",
          "the confirmation token was used already; each token confirms one call. Call "
              + tool.name()
              + " without a token to check again.",
          null);
    }
    // Read again after the token is spent: what the person confirms must still be what was seen.
    Precheck precheck = action.precheck();
    if (!precheck.allowed() || !matches(claims, action, precheck)) {
      return refused(
          OutcomeKind.RACE_LOST, "state_changed", changedMessage(tool, claims, precheck), precheck);
    }
    if (mode == ConfirmationMode.DENY) {
      return refused(OutcomeKind.DECLINED, "confirmation_unavailable", howToEnable(tool), precheck);
    }
    AtomicBoolean changedUnderUs = new AtomicBoolean();
    AtomicReference<Answer> answer = new AtomicReference<>();
    Confirmer human = asking(gateOf(call), answer);
    Outcome outcome =
        action.execute(
            p -> {
              if (!matches(claims, action, p)) {
                changedUnderUs.set(true);
                return false;
              }
              return human.confirm(p);
            });
    if (outcome.kind() == OutcomeKind.DECLINED && changedUnderUs.get()) {
      return refused(
          OutcomeKind.RACE_LOST,
          "state_changed",
          changedMessage(tool, claims, outcome.precheck()),
          outcome.precheck());
    }
    return finish(action, outcome, mode, answer.get());
  }

  /** The human gate of a token's second call: the person, the host, or configuration. */
  private static HumanGate gateOf(CallContext call) {
    return switch (call.mode()) {
      case ELICIT, HOST -> call.gate();
      case AUTO -> AUTO_APPROVE;
      case DENY -> precheck -> Answer.NO;
    };
  }

  private static final System.Logger LOG = System.getLogger(GuardedCalls.class.getName());

  private static final HumanGate AUTO_APPROVE =
      precheck -> {
        LOG.log(
            System.Logger.Level.INFO,
            "agent-approved (mode auto): "
                + precheck.action()
                + (precheck.jobIds().isEmpty()
                    ? ""
                    : " "
                        + (precheck.jobIds().size() <= 20
                            ? precheck.jobIds()
                            : precheck.jobIds().size() + " jobs"))
                + ": "
                + precheck.consequence());
        return Answer.YES;
      };

  /** A confirmer that asks the gate and remembers its last answer. */
  private static Confirmer asking(HumanGate gate, AtomicReference<Answer> last) {
    return precheck -> {
      Answer answer = Objects.requireNonNull(gate.ask(precheck), "the gate answered null");
      last.set(answer);
      return answer == Answer.YES;
    };
  }

  private static String statusOf(Precheck precheck) {
    return precheck.status() == null ? null : precheck.status().name();
  }

  /** Whether what is seen now is what the token was issued for. */
  private static boolean matches(
      ConfirmationTokens.Claims claims, GuardedAction action, Precheck now) {
    return Objects.equals(claims.status(), statusOf(now))
        && claims.jobs().equals(ConfirmationTokens.digest(action.bound(now)));
  }

  private static String changedMessage(Tool tool, ConfirmationTokens.Claims claims, Precheck now) {
    String what =
        claims.status() != null
            ? "the job was "
                + claims.status()
                + " when the token was issued and is "
                + (now.status() == null ? "gone" : now.status().name())
                + " now"
            : "what the call would do is not what the token was issued for";
    return what + "; nothing was done. Call " + tool.name() + " without a token to check again.";
  }

  private static String howToEnable(Tool tool) {
    return tool.name()
        + " needs a person's yes and no person can be asked here, so it is refused and nothing"
        + " was done. To enable it: use an MCP client that supports elicitation (it will ask the"
        + " person), or embed the executor with mode HOST and a confirmer, or (trusted"
        + " automation only) set JOBKIT_MCP_CONFIRM=auto.";
  }

  private static ToolResult notAllowed(Precheck precheck) {
    boolean ended = precheck.status() != null && precheck.status().isTerminal();
    boolean stop = precheck.operation().orElse(null) == Operation.STOP;
    return refused(
        stop && ended ? OutcomeKind.ALREADY_TERMINAL : OutcomeKind.NOT_ALLOWED_IN_STATE,
        stop && ended ? "already_terminal" : "not_allowed_in_state",
        precheck.consequence(),
        precheck);
  }

  private static ToolResult refused(
      OutcomeKind outcome, String reason, String message, Precheck precheck) {
    GuardedResultBuilder result =
        GuardedResultBuilder.of(GuardedStatus.REFUSED)
            .outcome(outcome)
            .reason(reason)
            .message(message)
            .verified(false);
    if (precheck != null) {
      result.precheck(precheck).finalStatus(precheck.status());
    }
    return new ToolResult(true, result(result.build()));
  }

  private static ToolResult finish(
      GuardedAction action, Outcome outcome, ConfirmationMode mode, Answer answer) {
    String reason =
        switch (outcome.kind()) {
          case DECLINED ->
              answer == Answer.DISMISSED
                  ? "dismissed"
                  : mode == ConfirmationMode.ELICIT ? "declined" : "not_confirmed";
          case NOT_ALLOWED_IN_STATE -> "not_allowed_in_state";
          case ALREADY_TERMINAL -> "already_terminal";
          case RACE_LOST -> "state_changed";
          // The job went between this call's own pre-check, which found it, and the action's.
          case NOT_FOUND -> "not_found";
          case APPLIED, UNVERIFIED -> null;
        };
    String message = outcome.message();
    if (outcome.kind() == OutcomeKind.DECLINED && answer == Answer.DISMISSED) {
      message = "the person closed the question without answering; nothing was done";
    } else if (outcome.kind() == OutcomeKind.DECLINED && mode == ConfirmationMode.ELICIT) {
      message = "the person said no; nothing was done";
    }
    GuardedResultBuilder result =
        GuardedResultBuilder.of(outcome.executed() ? GuardedStatus.DONE : GuardedStatus.REFUSED)
            .outcome(outcome.kind())
            .reason(reason)
            .message(message)
            .verified(outcome.verified())
            .finalStatus(outcome.finalStatus());
    if (outcome.precheck() != null) {
      result.precheck(outcome.precheck());
    }
    if (outcome.executed()) {
      result.approvedBy(mode.approver());
      action.describeResult(outcome, result);
    }
    if (outcome.flush() != null) {
      result.flush(FlushViews.of(outcome.flush(), outcome.operation()));
    }
    // Done but unverified is not a failure of the call; refused is.
    return new ToolResult(!outcome.executed(), result(result.build()));
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
