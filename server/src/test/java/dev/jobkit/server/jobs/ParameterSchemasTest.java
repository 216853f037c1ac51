package dev.jobkit.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Parameter schemas: what an app's put accepts, and what a submission's parameters are checked by.
 */
class ParameterSchemasTest {

  private final ParameterSchemas schemas = new ParameterSchemas();

  private List<FieldError> check(Map<String, Object> schema) {
    List<FieldError> errors = new ArrayList<>();
    schemas.check(schema, errors);
    return errors;
  }

  @Test
  void a_schema_whose_refs_lead_nowhere_is_refused_when_put_and_nothing_is_fetched() {
    Map<String, Object> remote =
        Map.of(
            "type",
            "object",
            "properties",
            Map.of("a", Map.of("$ref", "https://example.invalid/schema.json")));
    Map<String, Object> missing =
        Map.of("type", "object", "properties", Map.of("a", Map.of("$ref", "#/$defs/nothing")));

    assertThat(check(remote)).extracting(FieldError::field).containsExactly("parameters");
    assertThat(check(missing)).extracting(FieldError::field).containsExactly("parameters");
  }

  @Test
  void a_local_ref_and_the_defaults_work_when_a_job_is_submitted() {
    Map<String, Object> schema =
        Map.of(
            "type", "object",
            "$defs", Map.of("rate", Map.of("type", "number", "exclusiveMinimum", 0)),
            "properties", Map.of("lr", Map.of("$ref", "#/$defs/rate", "default", 0.001)));
    assertThat(check(schema)).isEmpty();
    List<FieldError> errors = new ArrayList<>();

    Map<String, Object> filled = schemas.apply("t@1", schema, Set.of("lr"), Map.of(), "", errors);
    schemas.apply("t@1", schema, Set.of("lr"), Map.of("lr", -1), "", errors);

    assertThat(filled).containsEntry("lr", 0.001);
    assertThat(errors).extracting(FieldError::field).containsExactly("parameters.lr");
    assertThat(errors.get(0).reason()).startsWith("exclusiveMinimum: ");
  }
}
