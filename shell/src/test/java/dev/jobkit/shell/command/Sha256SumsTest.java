package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code job results --sha256sums} writes what GNU {@code sha256sum} writes, escapes included (the
 * expected lines are what coreutils 9.1's {@code sha256sum} printed for files of these names).
 */
class Sha256SumsTest {

  private static final String SHA =
      "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";

  @Test
  void a_plain_path_is_hash_two_spaces_path() {
    assertThat(JobResultsCommands.sha256sumLine(SHA, "model/w.bin"))
        .isEqualTo(SHA + "  model/w.bin");
  }

  @Test
  void a_backslash_or_a_line_break_is_escaped_and_the_line_led_by_a_backslash() {
    assertThat(JobResultsCommands.sha256sumLine(SHA, "a\\b")).isEqualTo("\\" + SHA + "  a\\\\b");
    assertThat(JobResultsCommands.sha256sumLine(SHA, "c\nd")).isEqualTo("\\" + SHA + "  c\\nd");
    assertThat(JobResultsCommands.sha256sumLine(SHA, "e\rf")).isEqualTo("\\" + SHA + "  e\\rf");
  }
}
