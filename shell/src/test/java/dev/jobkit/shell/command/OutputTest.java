package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.render.Style;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code -o}: a format and jobs in, the text {@code job list} and {@code job get} print out. */
class OutputTest {

  private static final Instant NOW = Instant.parse("2026-11-23T20:44:00Z");
  private static final String ID = "job_01m852djtvmz9twen90hneqkjw";

  private static Job job(String id, String name, JobStatus status, Map<String, String> tags) {
    return new Job(
        id,
        name,
        null,
        "alice",
        status,
        null,
        7,
        Accessibility.PRIVATE,
        2,
        List.of("sleep", "300"),
        null,
        null,
        null,
        Map.of(),
        Map.of(),
        tags,
        List.of(),
        3600,
        3,
        1,
        List.of(),
        List.of(),
        null,
        Map.of(),
        null,
        null,
        NOW.minusSeconds(200),
        NOW.minusSeconds(100),
        NOW.minusSeconds(100),
        null,
        null);
  }

  private static final List<Job> JOBS =
      List.of(
          job(ID, "nightly-training-of-the-vision-model", JobStatus.RUNNING, Map.of("team", "cv")),
          job("job_01m852djbhtgaygy5yab01g8my", "hello", JobStatus.SUCCEEDED, Map.of()));

  private static List<String> list(String format, int width) {
    StringWriter s = new StringWriter();
    Output.parse(format)
        .jobs(new Renderer(new PrintWriter(s), Style.plain(), () -> width, () -> 0), JOBS, NOW);
    return s.toString().lines().toList();
  }

  private static String get(String format) {
    StringWriter s = new StringWriter();
    Output.parse(format)
        .job(new Renderer(new PrintWriter(s), Style.plain(), () -> 0, () -> 0), JOBS.get(0));
    return s.toString();
  }

  @Test
  void the_default_table_leaves_the_name_room_at_80_columns_and_wide_adds_the_other_columns() {
    StringWriter s = new StringWriter();
    new Renderer(new PrintWriter(s), Style.plain(), () -> 80, () -> 0).jobs(JOBS, NOW);
    List<String> table = s.toString().lines().toList();

    assertThat(table.get(0)).startsWith("ID").contains("NAME", "STATUS", "OWNER", "CREATED");
    assertThat(table.get(0)).doesNotContain("PRI", "PODS");
    // With PRI and PODS the fixed columns needed 81 of the 80: the name kept 4 columns (its header)
    // and every line was cut at the end.
    assertThat(table.get(1)).contains("nightly-t…").endsWith("3m 20s ago");
    assertThat(table).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));

    List<String> wide = list("wide", 0);
    assertThat(wide.get(0).split("\\s+"))
        .containsExactly(
            "ID",
            "NAME",
            "STATUS",
            "PRI",
            "PODS",
            "ATTEMPT",
            "OWNER",
            "CREATED",
            "STARTED",
            "DURATION",
            "TIMEOUT",
            "TAGS",
            "REASON");
    assertThat(wide.get(1).split("\\s+"))
        .containsSequence("7", "2", "1/3", "alice")
        .containsSequence("ago", "1m", "40s", "1h", "00m", "team=cv");
    assertThat(wide.get(2)).contains("hello");
  }

  @Test
  void json_is_the_list_as_json_prints_it_and_name_one_id_a_line() {
    assertThat(String.join("\n", list("json", 0))).startsWith("[").contains("\"id\" : \"" + ID);
    assertThat(list("name", 0)).containsExactly(ID, "job_01m852djbhtgaygy5yab01g8my");
  }

  @Test
  void jsonpath_reads_a_list_as_items_and_one_job_as_itself() {
    assertThat(list("jsonpath={.items[*].id}", 0))
        .containsExactly(ID + " job_01m852djbhtgaygy5yab01g8my");
    assertThat(list("jsonpath='{range .items[*]}{.display_name}={.status}{\"\\n\"}{end}'", 0))
        .containsExactly("nightly-training-of-the-vision-model=RUNNING", "hello=SUCCEEDED");
    assertThat(get("jsonpath={.status}")).isEqualTo("RUNNING\n");
    assertThat(get("jsonpath={.tags.team} {.pod_count}")).isEqualTo("cv 2\n");
  }

  @Test
  void custom_columns_are_never_cut_even_on_a_narrow_terminal() {
    assertThat(list("custom-columns=ID:.id,NAME:.display_name,TEAM:.tags.team", 20))
        .containsExactly(
            "ID                              NAME                                  TEAM",
            ID + "  nightly-training-of-the-vision-model  cv",
            "job_01m852djbhtgaygy5yab01g8my  hello                                 <none>");
    assertThat(get("custom-columns=STATUS:.status")).isEqualTo("STATUS\nRUNNING\n");
  }

  @Test
  void an_unknown_format_is_a_usage_error_naming_the_formats() {
    assertThatThrownBy(() -> Output.parse("yaml"))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "unknown output format 'yaml'; the formats are: wide, json, name,"
                + " jsonpath=TEMPLATE, custom-columns=HEADER:PATH,...");
    assertThatThrownBy(() -> Output.parse("jsonpath")).hasMessageContaining("needs a template");
    assertThatThrownBy(() -> Output.parse("jsonpath={.items[*")).hasMessageContaining("unclosed");
    assertThatThrownBy(() -> Output.parse("custom-columns=ID")).hasMessageContaining("HEADER:PATH");
    assertThatThrownBy(() -> Output.parse("wide=1")).hasMessageContaining("takes no");
  }
}
