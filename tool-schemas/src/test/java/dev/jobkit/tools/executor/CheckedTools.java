package dev.jobkit.tools.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A {@link ToolExecutor} as the tests call it: arguments as key/value pairs, and every answer,
 * errors and refusals included, checked against the output schema its tool declares, as the
 * TypeScript MCP client checks them. No test sees an answer such a client would throw away.
 *
 * <pre>{@code
 * JsonNode job = ok(tools.call("get_job", "job_id", id)).get("job");
 * }</pre>
 */
final class CheckedTools {

  private static final Map<String, Schema> OUTPUT_SCHEMAS = new LinkedHashMap<>();

  static {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    for (Tool tool : Tools.all()) {
      OUTPUT_SCHEMAS.put(tool.name(), registry.getSchema(Schemas.output(tool)));
    }
  }

  private final ToolExecutor executor;

  CheckedTools(ToolExecutor executor) {
    this.executor = executor;
  }

  /** The executor, for calls a test makes without the check. */
  ToolExecutor executor() {
    return executor;
  }

  /** Calls {@code tool} with the arguments {@code "key", value, ...} in the executor's mode. */
  ToolResult call(String tool, Object... keysAndValues) {
    return checked(tool, executor.execute(tool, args(keysAndValues)));
  }

  /** Calls {@code tool} with these arguments in the context {@code call}. */
  ToolResult call(String tool, CallContext call, Object... keysAndValues) {
    return checked(tool, executor.execute(tool, args(keysAndValues), call));
  }

  /**
   * What a model does where no person is asked during the call: calls {@code tool}, which must
   * answer {@code confirmation_required}, then calls it again with the same arguments and the token
   * it answered. The second answer.
   */
  ToolResult callTwice(String tool, Object... keysAndValues) {
    JsonNode first = ok(call(tool, keysAndValues));
    assertThat(first.get("status").asString())
        .as(first.toString())
        .isEqualTo("confirmation_required");
    return call(tool, withToken(keysAndValues, first.get("confirmation_token").asString()));
  }

  /** The arguments {@code "key", value, ...} with {@code confirmation_token} added. */
  static Object[] withToken(Object[] keysAndValues, String token) {
    Object[] with = Arrays.copyOf(keysAndValues, keysAndValues.length + 2);
    with[keysAndValues.length] = "confirmation_token";
    with[keysAndValues.length + 1] = token;
    return with;
  }

  /** Calls {@code tool} with {@code argumentsJson} as it is, valid JSON or not. */
  ToolResult json(String tool, String argumentsJson) {
    return checked(tool, executor.execute(tool, argumentsJson));
  }

  /**
   * Arguments as a JSON object: {@code args("job_id", id, "purge_artifacts", false)}. Values may be
   * strings, numbers, booleans, lists, maps or null.
   */
  static String args(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("give keys and values in pairs");
    }
    Map<String, Object> object = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      object.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return Schemas.JSON.writeValueAsString(object);
  }

  /** The content of an answer that succeeded. */
  static JsonNode ok(ToolResult result) {
    assertThat(result.isError()).as(result.json()).isFalse();
    return result.content();
  }

  /** The content of an answer that failed or was refused. */
  static JsonNode failed(ToolResult result) {
    assertThat(result.isError()).as(result.json()).isTrue();
    return result.content();
  }

  /** Asserts that {@code result} matches the output schema of {@code tool}. */
  static void assertConforms(String tool, ToolResult result) {
    Schema schema = OUTPUT_SCHEMAS.get(tool);
    assertThat(schema).as("a tool named %s", tool).isNotNull();
    assertThat(schema.validate(result.content())).as("%s: %s", tool, result.json()).isEmpty();
  }

  private static ToolResult checked(String tool, ToolResult result) {
    if (OUTPUT_SCHEMAS.containsKey(tool)) {
      assertConforms(tool, result);
    }
    return result;
  }
}
