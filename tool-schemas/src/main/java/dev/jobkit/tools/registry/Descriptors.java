package dev.jobkit.tools.registry;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tools in the formats agents read: MCP {@code tools/list} entries, OpenAI function tools in
 * strict mode and Anthropic tools. All three come from the same generated 2020-12 schemas; the
 * OpenAI one is derived from them by {@link #strict}.
 */
public final class Descriptors {

  /**
   * The keywords OpenAI's strict mode documents as supported (Structured Outputs, "Supported
   * schemas"): the structure ({@code type}, {@code properties}, {@code required}, {@code
   * additionalProperties}, {@code items}, {@code enum}, {@code const}, {@code anyOf}, {@code
   * $ref}/{@code $defs}, {@code description}) and the documented constraints: {@code pattern} and
   * {@code format} for strings, {@code minimum}, {@code maximum}, {@code exclusiveMinimum}, {@code
   * exclusiveMaximum} and {@code multipleOf} for numbers, {@code minItems} and {@code maxItems} for
   * arrays. Every other keyword is left out and said in the description instead; the executor still
   * checks the full schema.
   */
  static final Set<String> STRICT_MODE_KEYWORDS =
      Set.of(
          "type",
          "properties",
          "required",
          "additionalProperties",
          "items",
          "enum",
          "const",
          "anyOf",
          "$ref",
          "$defs",
          "description",
          "pattern",
          "format",
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum",
          "multipleOf",
          "minItems",
          "maxItems");

  /** The string formats strict mode documents; any other format is said in the description. */
  static final Set<String> STRICT_MODE_FORMATS =
      Set.of("date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Descriptors() {}

  /**
   * The MCP {@code tools/list} result of every tool set: name, title, description, schemas and
   * annotations.
   */
  public static ObjectNode mcp() {
    ArrayNode tools = NODES.arrayNode();
    for (Tool tool : Tools.all()) {
      ObjectNode entry = tools.addObject();
      entry.put("name", tool.name());
      entry.put("title", tool.title());
      entry.put("description", tool.description());
      entry.set("inputSchema", Schemas.input(tool));
      entry.set("outputSchema", Schemas.output(tool));
      ObjectNode annotations = entry.putObject("annotations");
      annotations.put("title", tool.title());
      annotations.put("readOnlyHint", tool.readOnly());
      annotations.put("destructiveHint", tool.destructive());
      annotations.put("idempotentHint", tool.idempotent());
      annotations.put("openWorldHint", tool.openWorld());
    }
    ObjectNode result = NODES.objectNode();
    result.set("tools", tools);
    return result;
  }

  /** OpenAI function tools (Chat Completions form), each {@code strict: true}. */
  public static ArrayNode openAi() {
    ArrayNode tools = NODES.arrayNode();
    for (Tool tool : Tools.all()) {
      ObjectNode entry = tools.addObject();
      entry.put("type", "function");
      ObjectNode function = entry.putObject("function");
      function.put("name", tool.name());
      function.put("description", tool.description());
      function.set("parameters", strict(Schemas.input(tool)));
      function.put("strict", true);
    }
    return tools;
  }

  /** Anthropic tools: name, description and the 2020-12 input schema. */
  public static ArrayNode anthropic() {
    ArrayNode tools = NODES.arrayNode();
    for (Tool tool : Tools.all()) {
      ObjectNode entry = tools.addObject();
      entry.put("name", tool.name());
      entry.put("description", tool.description());
      ObjectNode schema = Schemas.input(tool);
      schema.remove("$schema");
      entry.set("input_schema", schema);
    }
    return tools;
  }

  /**
   * The strict-mode form of a 2020-12 schema: every object lists all its properties as required and
   * forbids others; a property that was optional becomes nullable; keywords strict mode rejects are
   * removed and said in the description instead (the executor still checks them against the full
   * schema).
   */
  public static ObjectNode strict(JsonNode schema) {
    ObjectNode copy = (ObjectNode) schema.deepCopy();
    strictInPlace(copy);
    return copy;
  }

  private static void strictInPlace(ObjectNode schema) {
    List<String> moved = new ArrayList<>();
    Map<String, JsonNode> removed = new LinkedHashMap<>();
    List<String> keywords = new ArrayList<>();
    schema.properties().forEach(e -> keywords.add(e.getKey()));
    for (String keyword : keywords) {
      boolean unsupportedFormat =
          keyword.equals("format") && !STRICT_MODE_FORMATS.contains(schema.get(keyword).asString());
      if (!STRICT_MODE_KEYWORDS.contains(keyword) || unsupportedFormat) {
        removed.put(keyword, schema.remove(keyword));
      }
    }
    removed.forEach(
        (keyword, value) -> {
          if (!keyword.startsWith("$")) {
            moved.add(keyword + " " + (value.isString() ? value.asString() : value.toString()));
          }
        });
    if (!moved.isEmpty()) {
      moved.sort(null);
      String before = schema.has("description") ? schema.get("description").asString() + " " : "";
      schema.put(
          "description", before + "(Checked by the tool: " + String.join("; ", moved) + ".)");
    }
    JsonNode properties = schema.get("properties");
    // A record is an object with fixed properties (maybe none); a map's additionalProperties is
    // a schema, and strict mode cannot express maps at all (no input has one).
    if (properties instanceof ObjectNode
        || "object".equals(typeName(schema))
            && !(schema.get("additionalProperties") instanceof ObjectNode)) {
      ObjectNode props = properties instanceof ObjectNode p ? p : schema.putObject("properties");
      dropMapsWithJsonTwins(props);
      Set<String> required = new java.util.HashSet<>();
      if (schema.get("required") instanceof ArrayNode req) {
        req.forEach(n -> required.add(n.asString()));
      }
      ArrayNode all = NODES.arrayNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = props.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> property = it.next();
        all.add(property.getKey());
        ObjectNode child = (ObjectNode) property.getValue();
        strictInPlace(child);
        if (!required.contains(property.getKey())) {
          nullable(child);
        }
      }
      schema.set("required", all);
      schema.put("additionalProperties", false);
    }
    if (schema.get("items") instanceof ObjectNode items) {
      strictInPlace(items);
    }
    if (schema.get("anyOf") instanceof ArrayNode anyOf) {
      anyOf.forEach(n -> strictInPlace((ObjectNode) n));
    }
  }

  /**
   * Strict mode cannot express an object of free keys (a map: every object must list its properties
   * and forbid others), so such a property is left out of the strict form, where its twin {@code
   * <name>_json} (the same value as JSON text) carries it; the executor takes either.
   *
   * @throws IllegalStateException for a map property without such a twin
   */
  private static void dropMapsWithJsonTwins(ObjectNode props) {
    List<String> maps = new ArrayList<>();
    props
        .properties()
        .forEach(
            e -> {
              JsonNode child = e.getValue();
              if ("object".equals(typeName(child))
                  && !child.has("properties")
                  && !child.path("additionalProperties").isBoolean()) {
                maps.add(e.getKey());
              }
            });
    for (String map : maps) {
      if (!props.has(map + "_json")) {
        throw new IllegalStateException(
            "property "
                + map
                + " is a map, which strict mode cannot express; add "
                + map
                + "_json");
      }
      props.remove(map);
    }
  }

  private static String typeName(JsonNode schema) {
    JsonNode type = schema.get("type");
    return type != null && type.isString() ? type.asString() : null;
  }

  private static void nullable(ObjectNode schema) {
    JsonNode type = schema.get("type");
    if (type != null && type.isString()) {
      ArrayNode both = NODES.arrayNode().add(type.asString()).add("null");
      schema.set("type", both);
    } else if (type instanceof ArrayNode types) {
      boolean has = false;
      for (JsonNode t : types) {
        has |= "null".equals(t.asString());
      }
      if (!has) {
        types.add("null");
      }
    } else {
      ObjectNode inner = schema.deepCopy();
      schema.removeAll();
      ArrayNode anyOf = schema.putArray("anyOf");
      anyOf.add(inner);
      anyOf.addObject().put("type", "null");
      return;
    }
    if (schema.get("enum") instanceof ArrayNode values) {
      boolean has = false;
      for (JsonNode v : values) {
        has |= v.isNull();
      }
      if (!has) {
        values.addNull();
      }
    }
  }
}
