package dev.jobkit.tools.mcp;

import dev.jobkit.tools.executor.ConfirmationMode;
import java.util.Locale;
import java.util.Objects;

/**
 * How the MCP server confirms destructive calls for a client that does not declare elicitation (one
 * that does is always asked, mode {@code ELICIT}).
 *
 * @param withoutElicitation {@link ConfirmationMode#DENY} (the default: refuse, saying how to
 *     enable) or {@link ConfirmationMode#AUTO} (trusted automation only)
 */
public record McpOptions(ConfirmationMode withoutElicitation) {

  /** Checks the mode. */
  public McpOptions {
    Objects.requireNonNull(withoutElicitation, "withoutElicitation");
    if (withoutElicitation != ConfirmationMode.DENY
        && withoutElicitation != ConfirmationMode.AUTO) {
      throw new IllegalArgumentException(
          "without elicitation the MCP server can only deny or auto-approve, not "
              + withoutElicitation);
    }
  }

  /** Refuse destructive calls when the client cannot ask a person. */
  public static McpOptions defaults() {
    return new McpOptions(ConfirmationMode.DENY);
  }

  /**
   * From {@code JOBKIT_MCP_CONFIRM} ({@code deny} or {@code auto}; {@code deny} when unset).
   *
   * @throws IllegalArgumentException naming the valid values
   */
  public static McpOptions fromEnvironment(String confirm) {
    if (confirm == null || confirm.isBlank()) {
      return defaults();
    }
    return switch (confirm.strip().toLowerCase(Locale.ROOT)) {
      case "deny" -> defaults();
      case "auto" -> new McpOptions(ConfirmationMode.AUTO);
      default ->
          throw new IllegalArgumentException(
              "JOBKIT_MCP_CONFIRM must be deny or auto, not '" + confirm + "'");
    };
  }
}
