package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code job logs --tail LINES}: the last lines of what was read from the log's end. */
class TailTest {

  private static JobFollowCommands.Tail lines(int n) {
    return new JobFollowCommands.Tail(20_000, n);
  }

  @Test
  void the_last_lines_are_kept_whole_with_or_without_a_final_line_break() {
    assertThat(lines(2).cut("a\nb\nc\n")).isEqualTo("b\nc\n");
    assertThat(lines(1).cut("a\nb\nc\n")).isEqualTo("c\n");
    assertThat(lines(1).cut("a\nb\nc")).isEqualTo("c");
    assertThat(lines(2).cut("a\nb\nc")).isEqualTo("b\nc");
  }

  @Test
  void fewer_lines_than_asked_for_are_shown_all_and_zero_shows_nothing() {
    assertThat(lines(5).cut("a\nb\n")).isEqualTo("a\nb\n");
    assertThat(lines(3).cut("")).isEmpty();
    assertThat(lines(0).cut("a\nb\n")).isEmpty();
    assertThat(lines(-1).cut("a\nb\n")).isEqualTo("a\nb\n");
  }
}
