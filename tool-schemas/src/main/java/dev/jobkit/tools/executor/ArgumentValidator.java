package dev.jobkit.tools.executor;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Checks a call's arguments against its tool's generated input schema before anything runs. */
final class ArgumentValidator {

  /**
   * One thing wrong with the arguments.
   *
   * @param field where, as a JSON pointer ({@code /priority}, {@code /} for the object itself)
   * @param problem what is wrong, in words
   */
  record Violation(String field, String problem) {}

  private final Map<String, Schema> schemas = new LinkedHashMap<>();

  ArgumentValidator() {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    for (Tool tool : Tools.all()) {
      schemas.put(tool.name(), registry.getSchema(Schemas.input(tool)));
    }
  }

  /** What is wrong with {@code arguments} for {@code tool}; empty when they are valid. */
  List<Violation> check(Tool tool, JsonNode arguments) {
    List<Violation> found = new ArrayList<>();
    for (Error error : schemas.get(tool.name()).validate(arguments)) {
      String at = error.getInstanceLocation().toString();
      at = at.isEmpty() ? "/" : at;
      found.add(new Violation(at, error.getMessage()));
    }
    return found;
  }
}
