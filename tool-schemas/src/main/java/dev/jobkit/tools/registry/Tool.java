package dev.jobkit.tools.registry;

/**
 * One agent tool: what a model sees (name, title, description, schemas, hints), which tool set it
 * belongs to, and whether its calls go through the guarded protocol.
 *
 * @param name the snake_case verb the model calls ({@code stop_job})
 * @param title a short human title
 * @param description what it is for, what it returns and what it risks, written for a model
 * @param input the record its arguments are read into; its schema is the input schema
 * @param output the record of its structured result; its schema is the output schema (with the
 *     error shape every tool shares added by {@link Schemas#output})
 * @param toolset the set it is listed in; a server may offer only some sets
 * @param readOnly whether it changes nothing (MCP {@code readOnlyHint})
 * @param destructive whether it can do what cannot be taken back: end or remove jobs, or run code
 *     (MCP {@code destructiveHint}); every destructive tool is guarded
 * @param idempotent whether calling it again with the same arguments changes nothing more (MCP
 *     {@code idempotentHint})
 * @param openWorld whether it reaches beyond the job service's own records: a submitted job runs
 *     whatever it was given (MCP {@code openWorldHint})
 */
public record Tool(
    String name,
    String title,
    String description,
    Class<? extends Record> input,
    Class<? extends Record> output,
    Toolset toolset,
    boolean readOnly,
    boolean destructive,
    boolean idempotent,
    boolean openWorld) {

  /**
   * Whether calls go through pre-check, confirmation and a person's yes. The same as {@link
   * #destructive()}: there is no destructive tool without the guard.
   */
  public boolean guarded() {
    return destructive;
  }
}
