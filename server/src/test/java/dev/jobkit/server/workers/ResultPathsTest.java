package dev.jobkit.server.workers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which paths a worker may store a result file at, under the job's output dir. */
class ResultPathsTest {

  @ParameterizedTest
  @ValueSource(strings = {"out.csv", "model/weights.bin", "a/b/c/d.json", ".hidden", "a..b/c"})
  void a_relative_path_of_named_parts_is_taken(String path) {
    assertThat(Workers.resultPathProblem(path)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/etc/passwd",
        "../escape",
        "a/../../escape",
        "a/./b",
        "a//b",
        "a/",
        "a\\b",
        "line\nbreak",
        "nul\u0000byte",
        "del\u007f"
      })
  void an_absolute_path_a_dot_part_an_empty_part_or_a_control_character_is_refused(String path) {
    assertThat(Workers.resultPathProblem(path)).isNotNull();
  }

  @org.junit.jupiter.api.Test
  void a_path_over_the_limit_is_refused() {
    assertThat(Workers.resultPathProblem("a".repeat(Workers.MAX_PATH + 1))).contains("at most");
  }
}
