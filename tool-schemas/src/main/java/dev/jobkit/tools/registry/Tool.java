package dev.jobkit.tools.registry;

/**
 * One agent tool: what a model sees (name, title, description, schemas, hints) and whether its
 * calls go through the guarded protocol.
 *
 * @param name the snake_case verb the model calls ({@code stop_job})
 * @param title a short human title
 * @param description what it is for, what it returns and what it risks, written for a model
 * @param input the record its arguments are read into; its schema is the input schema
 * @param output the record of its structured result; its schema is the output schema
 * @param readOnly whether it changes nothing (MCP {@code readOnlyHint})
 * @param destructive whether it can destroy something that cannot be brought back (MCP {@code
 *     destructiveHint}); every destructive tool is guarded
 * @param idempotent whether calling it again with the same arguments changes nothing more (MCP
 *     {@code idempotentHint})
 */
public record Tool(
    String name,
    String title,
    String description,
    Class<? extends Record> input,
    Class<? extends Record> output,
    boolean readOnly,
    boolean destructive,
    boolean idempotent) {

  /**
   * Whether calls go through pre-check, confirmation token and a person's yes. The same as {@link
   * #destructive()}: there is no destructive tool without the guard.
   */
  public boolean guarded() {
    return destructive;
  }
}
