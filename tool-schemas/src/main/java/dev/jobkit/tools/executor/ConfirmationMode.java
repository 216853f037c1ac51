package dev.jobkit.tools.executor;

/**
 * Where the human's yes to a destructive tool call comes from. Holding a confirmation token is
 * never consent on its own: the model can hand its token straight back.
 */
public enum ConfirmationMode {
  /** The MCP client asks the human ({@code elicitation/create}, one boolean {@code confirm}). */
  ELICIT,
  /** A {@link dev.jobkit.sdk.guard.Confirmer} the embedding application supplies (its own UI). */
  HOST,
  /** Nowhere: destructive tools refuse and say how to enable them. The default. */
  DENY,
  /**
   * Configuration says yes, for trusted automation only; each such action is logged as
   * agent-approved. Only when set explicitly.
   */
  AUTO;

  /** Who said yes in this mode, as results report it. */
  String approver() {
    return switch (this) {
      case ELICIT -> "human";
      case HOST -> "host";
      case AUTO -> "auto";
      case DENY -> "nobody";
    };
  }
}
