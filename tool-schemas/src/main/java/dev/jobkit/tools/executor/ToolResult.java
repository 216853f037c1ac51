package dev.jobkit.tools.executor;

import dev.jobkit.tools.registry.Schemas;
import tools.jackson.databind.node.ObjectNode;

/**
 * The answer to one tool call: structured JSON, and whether the call failed. A failure carries an
 * {@code error} object with a {@code code} and a {@code detail} that says what to do instead.
 *
 * @param isError whether the call failed or was refused (MCP {@code isError})
 * @param content the structured result
 */
public record ToolResult(boolean isError, ObjectNode content) {

  /** The result as compact JSON text. */
  public String json() {
    return Schemas.JSON.writeValueAsString(content);
  }

  /** The {@code error.code} of a failed call, or null. */
  public String errorCode() {
    return content.has("error") ? content.get("error").get("code").asString() : null;
  }
}
