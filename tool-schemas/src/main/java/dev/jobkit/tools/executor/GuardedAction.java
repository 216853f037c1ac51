package dev.jobkit.tools.executor;

import dev.jobkit.sdk.GuardedActions;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.guard.Precheck;
import java.time.Duration;
import java.util.List;

/**
 * What one guarded tool checks and does: the stops, deletes and flushes go through the SDK's {@link
 * GuardedActions} (pre-check from the lifecycle table, confirm, execute, verify), made as {@link
 * SdkAction}s by {@link JobActions}; running code and the admin writes are checked and done in this
 * package, as {@link AskThenDo}s ({@link JobActions}, {@link UserTools}), asking the same {@link
 * Confirmer} first. {@link ToolHandlers} runs every one through {@link GuardedCalls}.
 */
interface GuardedAction {

  /** The confirmation token the call carries, or null on a first call. */
  String token();

  /** What the action would do, read now; changes nothing. */
  Precheck precheck();

  /** The jobs a token binds (their states are bound through the pre-check's status). */
  default List<String> bound(Precheck precheck) {
    return precheck.jobIds() == null ? List.of() : precheck.jobIds();
  }

  /** Asks {@code human}, then does it and verifies; nothing changes unless it says yes. */
  Outcome execute(Confirmer human);

  /** Adds what was made or changed to an executed call's result. */
  default void describeResult(Outcome outcome, GuardedResultBuilder result) {}

  /** An action the SDK's guarded actions check and do. */
  abstract class SdkAction implements GuardedAction {
    private final String token;
    private final java.util.function.Supplier<Precheck> precheck;

    SdkAction(String token, java.util.function.Supplier<Precheck> precheck) {
      this.token = token;
      this.precheck = precheck;
    }

    @Override
    public String token() {
      return token;
    }

    @Override
    public Precheck precheck() {
      return precheck.get();
    }
  }

  /** An action checked and done here: ask once, then do it. */
  abstract class AskThenDo implements GuardedAction {
    private final String token;

    AskThenDo(String token) {
      this.token = token;
    }

    @Override
    public String token() {
      return token;
    }

    /** Does it, once the person said yes; the outcome's message says what was done. */
    abstract String doIt();

    @Override
    public Outcome execute(Confirmer human) {
      long start = System.nanoTime();
      Precheck precheck = precheck();
      if (!precheck.allowed()) {
        return new Outcome(
            OutcomeKind.NOT_ALLOWED_IN_STATE,
            precheck,
            false,
            false,
            false,
            null,
            precheck.consequence(),
            null,
            Duration.ofNanos(System.nanoTime() - start));
      }
      if (!human.confirm(precheck)) {
        return new Outcome(
            OutcomeKind.DECLINED,
            precheck,
            false,
            false,
            false,
            null,
            "not confirmed; nothing was done",
            null,
            Duration.ofNanos(System.nanoTime() - start));
      }
      String done = doIt();
      return new Outcome(
          OutcomeKind.APPLIED,
          precheck,
          true,
          true,
          true,
          null,
          done,
          null,
          Duration.ofNanos(System.nanoTime() - start));
    }
  }
}
