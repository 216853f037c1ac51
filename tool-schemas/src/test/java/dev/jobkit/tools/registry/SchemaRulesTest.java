package dev.jobkit.tools.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every generated schema is valid JSON Schema 2020-12, the OpenAI file obeys strict mode, and the
 * registry says what a model needs to know.
 */
class SchemaRulesTest {

  private static final Schema META =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

  private static Map<String, JsonNode> everySchema() {
    Map<String, JsonNode> all = new java.util.LinkedHashMap<>();
    for (JsonNode tool : Descriptors.mcp().get("tools")) {
      all.put("mcp " + tool.get("name").asString() + " input", tool.get("inputSchema"));
      all.put("mcp " + tool.get("name").asString() + " output", tool.get("outputSchema"));
    }
    for (JsonNode tool : Descriptors.anthropic()) {
      all.put("anthropic " + tool.get("name").asString(), tool.get("input_schema"));
    }
    for (JsonNode tool : Descriptors.openAi()) {
      all.put(
          "openai " + tool.get("function").get("name").asString(),
          tool.get("function").get("parameters"));
    }
    return all;
  }

  @Test
  void every_schema_in_every_format_is_valid_json_schema_2020_12() {
    Map<String, JsonNode> schemas = everySchema();
    assertThat(schemas).hasSize(Tools.all().size() * 4);
    schemas.forEach(
        (name, schema) -> {
          List<Error> errors = META.validate(schema);
          assertThat(errors).as(name).isEmpty();
        });
  }

  @Test
  void the_meta_schema_check_catches_a_broken_schema() {
    ObjectNode broken = Schemas.JSON.createObjectNode().put("type", "integer").put("minimum", "1");
    assertThat(META.validate(broken)).isNotEmpty();
  }

  @Test
  void every_openai_tool_obeys_strict_mode() {
    for (JsonNode tool : Descriptors.openAi()) {
      assertThat(tool.get("type").asString()).isEqualTo("function");
      assertThat(tool.get("function").get("strict").asBoolean()).isTrue();
      JsonNode parameters = tool.get("function").get("parameters");
      assertThat(parameters.get("type").asString()).isEqualTo("object");
      assertStrict(tool.get("function").get("name").asString(), parameters);
    }
  }

  private static void assertStrict(String at, JsonNode schema) {
    assertThat(Descriptors.STRICT_MODE_KEYWORDS)
        .as("%s uses only keywords strict mode documents", at)
        .containsAll(schema.propertyNames());
    if (schema.has("properties") || "object".equals(schema.path("type").asString(""))) {
      assertThat(schema.get("additionalProperties").asBoolean(true))
          .as("%s allows additional properties", at)
          .isFalse();
      Set<String> required = new HashSet<>();
      schema.get("required").forEach(r -> required.add(r.asString()));
      Set<String> properties = new HashSet<>(schema.get("properties").propertyNames());
      assertThat(required).as("%s requires every property", at).isEqualTo(properties);
      schema
          .get("properties")
          .properties()
          .forEach(e -> assertStrict(at + "." + e.getKey(), e.getValue()));
    }
    if (schema.has("items")) {
      assertStrict(at + "[]", schema.get("items"));
    }
    if (schema.get("anyOf") instanceof ArrayNode anyOf) {
      anyOf.forEach(s -> assertStrict(at + "|", s));
    }
  }

  @Test
  void in_strict_mode_optional_properties_accept_null_and_required_ones_do_not() {
    for (Tool tool : Tools.all()) {
      ObjectNode general = Schemas.input(tool);
      ObjectNode strict = Descriptors.strict(general);
      Set<String> required = new HashSet<>();
      general.path("required").forEach(r -> required.add(r.asString()));
      strict
          .get("properties")
          .properties()
          .forEach(
              e -> {
                boolean nullable = e.getValue().get("type").toString().contains("\"null\"");
                assertThat(nullable)
                    .as("%s.%s nullable", tool.name(), e.getKey())
                    .isEqualTo(!required.contains(e.getKey()));
              });
    }
  }

  @Test
  void strict_mode_keeps_the_constraints_it_documents_and_says_the_others_in_the_description() {
    ObjectNode stop = Descriptors.strict(Schemas.input(Tools.find("stop_job").orElseThrow()));
    JsonNode jobId = stop.get("properties").get("job_id");
    assertThat(jobId.get("pattern").asString()).startsWith("^job_");
    JsonNode token = stop.get("properties").get("confirmation_token");
    assertThat(token.has("maxLength")).isFalse();
    assertThat(token.get("description").asString()).contains("maxLength 64", "minLength 1");
    JsonNode priority =
        Descriptors.strict(Schemas.input(Tools.find("submit_job").orElseThrow()))
            .get("properties")
            .get("priority");
    assertThat(priority.get("minimum").asInt()).isEqualTo(1);
    assertThat(priority.get("maximum").asInt()).isEqualTo(9);
  }

  @Test
  void properties_come_in_the_order_the_records_declare_them() {
    ObjectNode submit = Schemas.input(Tools.find("submit_job").orElseThrow());
    assertThat(new ArrayList<>(submit.get("properties").propertyNames()))
        .startsWith("command", "shell", "display_name", "description", "priority")
        .endsWith("accessibility", "idempotency_key", "confirmation_token");
    ObjectNode stop = Schemas.input(Tools.find("stop_job").orElseThrow());
    assertThat(new ArrayList<>(stop.get("properties").propertyNames()))
        .containsExactly("job_id", "confirmation_token");
  }

  @Test
  void the_guarded_tools_run_code_end_jobs_or_change_users_and_none_is_read_only() {
    assertThat(Tools.all().stream().filter(Tool::destructive).map(Tool::name))
        .containsExactly(
            "submit_job",
            "submit_jobs",
            "stop_job",
            "delete_job",
            "flush_jobs",
            "create_user",
            "set_scheduling_mode");
    assertThat(Tools.all()).allMatch(t -> t.guarded() == t.destructive());
    assertThat(Tools.all()).noneMatch(t -> t.destructive() && t.readOnly());
    for (JsonNode entry : Descriptors.mcp().get("tools")) {
      JsonNode annotations = entry.get("annotations");
      String name = entry.get("name").asString();
      assertThat(annotations.get("openWorldHint").asBoolean())
          .as("%s openWorldHint", name)
          .isEqualTo(name.startsWith("submit_"));
      assertThat(annotations.has("readOnlyHint")).isTrue();
      assertThat(annotations.has("destructiveHint")).isTrue();
      assertThat(annotations.has("idempotentHint")).isTrue();
      assertThat(entry.has("outputSchema")).isTrue();
    }
  }

  @Test
  void
      the_free_form_app_parameters_are_an_object_where_schemas_allow_it_and_json_text_in_strict_mode() {
    Tool submit = Tools.find("submit_app_job").orElseThrow();
    JsonNode full = Schemas.input(submit).get("properties");
    assertThat(full.get("parameters").get("type").asString()).isEqualTo("object");
    assertThat(full.has("parameters_json")).isTrue();

    JsonNode openAi = null;
    for (JsonNode entry : Descriptors.openAi()) {
      if (entry.get("function").get("name").asString().equals("submit_app_job")) {
        openAi = entry.get("function").get("parameters");
      }
    }
    assertThat(openAi).isNotNull();
    assertThat(openAi.get("properties").has("parameters"))
        .as("strict mode cannot hold an object of free keys")
        .isFalse();
    assertThat(openAi.get("properties").get("parameters_json").get("type").toString())
        .isEqualTo("[\"string\",\"null\"]");
    assertThat(openAi.get("required")).extracting(JsonNode::asString).doesNotContain("parameters");
    assertThat(submit.destructive()).as("running an app is the low-risk path").isFalse();
    assertThat(submit.guarded()).isFalse();
  }

  @Test
  void every_tool_covers_the_issue_and_every_input_property_is_described() {
    assertThat(Tools.names())
        .containsExactly(
            "list_jobs",
            "get_job",
            "submit_job",
            "submit_jobs",
            "update_job",
            "stop_job",
            "delete_job",
            "flush_jobs",
            "get_operation",
            "get_job_logs",
            "get_job_events",
            "wait_for_job",
            "list_apps",
            "get_app",
            "submit_app_job",
            "job_stats",
            "get_job_results",
            "share_job",
            "list_job_shares",
            "revoke_job_share",
            "whoami",
            "list_users",
            "create_user",
            "set_scheduling_mode");
    for (Tool tool : Tools.all()) {
      assertThat(tool.description()).as(tool.name()).hasSizeGreaterThan(60);
      Schemas.input(tool)
          .path("properties")
          .properties()
          .forEach(
              e ->
                  assertThat(e.getValue().has("description"))
                      .as("%s.%s described", tool.name(), e.getKey())
                      .isTrue());
    }
  }
}
