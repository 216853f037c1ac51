package dev.jobkit.tools.mcp;

import dev.jobkit.tools.executor.ConfirmationMode;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Toolset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How the MCP server is configured: how it confirms guarded calls for a client that does not
 * declare elicitation (one that does is always asked, mode {@code ELICIT}), and which tools it
 * offers.
 *
 * <p>A tool the server does not offer is not in {@code tools/list}, and a call of it is answered
 * {@code unknown_tool}. Guarded tools are not offered when no person can be asked and the mode is
 * {@code deny}: they could only refuse.
 *
 * @param withoutElicitation {@link ConfirmationMode#DENY} (the default: refuse, saying how to
 *     enable) or {@link ConfirmationMode#AUTO} (trusted automation only)
 * @param readOnly offer only the tools that change nothing
 * @param toolsets the tool sets offered ({@code jobs} by default)
 */
public record McpOptions(
    ConfirmationMode withoutElicitation, boolean readOnly, Set<Toolset> toolsets) {

  /** Checks the mode and the tool sets. */
  public McpOptions {
    Objects.requireNonNull(withoutElicitation, "withoutElicitation");
    if (withoutElicitation != ConfirmationMode.DENY
        && withoutElicitation != ConfirmationMode.AUTO) {
      throw new IllegalArgumentException(
          "without elicitation the MCP server can only deny or auto-approve, not "
              + withoutElicitation);
    }
    if (toolsets == null || toolsets.isEmpty()) {
      throw new IllegalArgumentException("offer at least one tool set: jobs, admin");
    }
    toolsets = Set.copyOf(toolsets);
  }

  /** Refuse guarded calls when the client cannot ask a person; offer the jobs tools. */
  public static McpOptions defaults() {
    return new McpOptions(ConfirmationMode.DENY, false, EnumSet.of(Toolset.JOBS));
  }

  /** These options with mode {@code mode} for clients without elicitation. */
  public McpOptions withoutElicitation(ConfirmationMode mode) {
    return new McpOptions(mode, readOnly, toolsets);
  }

  /** Whether the server offers {@code tool} to a client that can (or cannot) ask a person. */
  public boolean offers(Tool tool, boolean clientCanAsk) {
    if (!toolsets.contains(tool.toolset()) || readOnly && !tool.readOnly()) {
      return false;
    }
    return !tool.guarded() || clientCanAsk || withoutElicitation != ConfirmationMode.DENY;
  }

  /**
   * From the environment: {@code JOBKIT_MCP_CONFIRM} ({@code deny} or {@code auto}; {@code deny}
   * when unset), {@code JOBKIT_MCP_READ_ONLY} ({@code true} or {@code false}) and {@code
   * JOBKIT_MCP_TOOLSETS} (a comma-separated list of {@code jobs}, {@code admin}).
   *
   * @throws IllegalArgumentException naming the valid values
   */
  public static McpOptions fromEnvironment(String confirm, String readOnly, String toolsets) {
    ConfirmationMode mode =
        switch (confirm == null || confirm.isBlank()
            ? "deny"
            : confirm.strip().toLowerCase(Locale.ROOT)) {
          case "deny" -> ConfirmationMode.DENY;
          case "auto" -> ConfirmationMode.AUTO;
          default ->
              throw new IllegalArgumentException(
                  "JOBKIT_MCP_CONFIRM must be deny or auto, not '" + confirm + "'");
        };
    boolean onlyReads =
        switch (readOnly == null || readOnly.isBlank()
            ? "false"
            : readOnly.strip().toLowerCase(Locale.ROOT)) {
          case "true", "1", "yes" -> true;
          case "false", "0", "no" -> false;
          default ->
              throw new IllegalArgumentException(
                  "JOBKIT_MCP_READ_ONLY must be true or false, not '" + readOnly + "'");
        };
    Set<Toolset> sets = EnumSet.noneOf(Toolset.class);
    if (toolsets == null || toolsets.isBlank()) {
      sets.add(Toolset.JOBS);
    } else {
      try {
        Arrays.stream(toolsets.split(","))
            .filter(s -> !s.isBlank())
            .forEach(s -> sets.add(Toolset.parse(s)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("JOBKIT_MCP_TOOLSETS: " + e.getMessage());
      }
    }
    return new McpOptions(mode, onlyReads, sets);
  }
}
