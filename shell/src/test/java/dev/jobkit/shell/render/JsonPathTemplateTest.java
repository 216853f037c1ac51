package dev.jobkit.shell.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kubectl's JSONPath templates over the JSON of a page of jobs: a template and JSON in, text out.
 */
class JsonPathTemplateTest {

  private static Map<String, Object> job(String id, String status, Map<String, String> tags) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("id", id);
    job.put("status", status);
    job.put("priority", 5);
    job.put("tags", tags);
    job.put("finished_at", null);
    return job;
  }

  private static final Map<String, Object> PAGE =
      Map.of(
          "items",
          List.of(
              job("job_a", "RUNNING", Map.of("team", "vision")), job("job_b", "FAILED", Map.of())));

  private static String apply(String template, Object json) {
    return JsonPathTemplate.parse(template).apply(json);
  }

  @Test
  void a_field_of_every_item_is_written_separated_by_spaces() {
    assertThat(apply("{.items[*].id}", PAGE)).isEqualTo("job_a job_b");
  }

  @Test
  void one_field_of_one_object_is_written_as_it_is() {
    assertThat(apply("{.status}", job("job_a", "RUNNING", Map.of()))).isEqualTo("RUNNING");
    assertThat(apply("{.priority}", job("job_a", "RUNNING", Map.of()))).isEqualTo("5");
  }

  @Test
  void an_index_a_nested_field_and_a_path_without_its_leading_dot_or_with_a_dollar_read_the_same() {
    assertThat(apply("{.items[1].id}", PAGE)).isEqualTo("job_b");
    assertThat(apply("{.items[0].tags.team}", PAGE)).isEqualTo("vision");
    assertThat(apply("{items[0].id}", PAGE)).isEqualTo("job_a");
    assertThat(apply("{$.items[0].id}", PAGE)).isEqualTo("job_a");
  }

  @Test
  void a_filter_with_kubectls_double_quotes_selects_items() {
    assertThat(apply("{.items[?(@.status==\"FAILED\")].id}", PAGE)).isEqualTo("job_b");
  }

  @Test
  void range_writes_its_body_once_per_item_reading_paths_from_that_item() {
    assertThat(apply("{range .items[*]}{.id}{\"\\t\"}{.status}{\"\\n\"}{end}", PAGE))
        .isEqualTo("job_a\tRUNNING\njob_b\tFAILED\n");
    assertThat(apply("{range .items}[{.id}]{end}", PAGE)).isEqualTo("[job_a][job_b]");
  }

  @Test
  void text_outside_braces_is_written_as_it_is() {
    assertThat(apply("first: {.items[0].id}!", PAGE)).isEqualTo("first: job_a!");
  }

  @Test
  void a_missing_field_a_null_and_an_index_past_the_end_write_nothing() {
    assertThat(apply("<{.nope}>", PAGE)).isEqualTo("<>");
    assertThat(apply("<{.items[0].finished_at}>", PAGE)).isEqualTo("<>");
    assertThat(apply("<{.items[9].id}>", PAGE)).isEqualTo("<>");
    assertThat(apply("<{.items[*].nope}>", PAGE)).isEqualTo("<>");
  }

  @Test
  void objects_and_lists_are_written_as_one_line_of_json() {
    assertThat(apply("{.items[0].tags}", PAGE)).isEqualTo("{\"team\":\"vision\"}");
    assertThat(apply("{.items[1].tags}", PAGE)).isEqualTo("{}");
  }

  @Test
  void a_template_that_does_not_parse_says_why() {
    assertThatThrownBy(() -> JsonPathTemplate.parse("{.items[*].id"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unclosed '{'");
    assertThatThrownBy(() -> JsonPathTemplate.parse("{range .items[*]}{.id}"))
        .hasMessageContaining("without its {end}");
    assertThatThrownBy(() -> JsonPathTemplate.parse("{.id}{end}"))
        .hasMessageContaining("{end} without");
    assertThatThrownBy(() -> JsonPathTemplate.parse("{.items[*}"))
        .hasMessageContaining("bad path '.items[*'");
    assertThatThrownBy(() -> JsonPathTemplate.parse("{}")).hasMessageContaining("empty");
  }
}
