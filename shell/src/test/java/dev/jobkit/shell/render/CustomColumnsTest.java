package dev.jobkit.shell.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kubectl's custom columns: a column list and items in, a table's lines out. */
class CustomColumnsTest {

  private static Map<String, Object> job(String id, String name, Map<String, String> tags) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("id", id);
    job.put("display_name", name);
    job.put("tags", tags);
    job.put("pods", List.of(Map.of("pid", 11), Map.of("pid", 12)));
    return job;
  }

  private static List<String> lines(String spec, List<?> items) {
    return CustomColumns.parse(spec).table(items).lines(Style.plain(), 0);
  }

  @Test
  void each_column_is_its_header_and_the_value_its_path_finds_in_each_item() {
    List<String> lines =
        lines(
            "ID:.id,NAME:.display_name,TEAM:.tags.team",
            List.of(
                job("job_a", "train", Map.of("team", "vision")), job("job_b", "eval", Map.of())));

    assertThat(lines)
        .containsExactly("ID     NAME   TEAM", "job_a  train  vision", "job_b  eval   <none>");
  }

  @Test
  void several_values_are_joined_by_commas_and_a_comma_in_brackets_belongs_to_the_path() {
    assertThat(lines("PIDS:.pods[*].pid", List.of(job("job_a", "t", Map.of()))))
        .containsExactly("PIDS", "11,12");
    assertThat(lines("BOTH:['id','display_name'],ID:{.id}", List.of(job("job_a", "t", Map.of()))))
        .element(1)
        .asString()
        .endsWith("job_a");
  }

  @Test
  void a_column_without_a_header_or_a_path_says_what_is_expected() {
    assertThatThrownBy(() -> CustomColumns.parse("ID"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HEADER:PATH");
    assertThatThrownBy(() -> CustomColumns.parse(":.id")).hasMessageContaining("HEADER:PATH");
    assertThatThrownBy(() -> CustomColumns.parse("ID:")).hasMessageContaining("HEADER:PATH");
    assertThatThrownBy(() -> CustomColumns.parse("ID:.items[*")).hasMessageContaining("bad path");
  }
}
