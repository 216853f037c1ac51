package dev.jobkit.shell.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code job get}'s fields fit the terminal's width: fields and a width in, lines out. */
class FieldsTest {

  private static final String ERROR =
      "the process exited with code 3 after writing 2 GB to /scratch/run-42/checkpoints/latest";

  private static Fields fields() {
    return new Fields().put("id", "job_01m851ezzhfef6v3ztrk4xjpk8").put("last error", ERROR);
  }

  @Test
  void a_long_value_wraps_at_spaces_under_its_column_and_no_line_is_wider_than_the_terminal() {
    List<String> lines = fields().lines(Style.plain(), 60);

    assertThat(lines).hasSizeGreaterThan(2);
    assertThat(lines).allSatisfy(l -> assertThat(Table.columns(l)).isLessThanOrEqualTo(60));
    assertThat(lines.get(0)).isEqualTo("id          job_01m851ezzhfef6v3ztrk4xjpk8");
    assertThat(lines.get(1)).startsWith("last error  the process exited");
    assertThat(lines.subList(2, lines.size())).allSatisfy(l -> assertThat(l).startsWith("    "));
    // Nothing is lost: the value's words, joined again, are the value.
    String joined =
        String.join(
            " ", lines.subList(1, lines.size()).stream().map(l -> l.substring(12)).toList());
    assertThat(joined).isEqualTo(ERROR);
  }

  @Test
  void without_a_terminal_each_value_is_one_line_whole() {
    assertThat(fields().lines(Style.plain(), 0))
        .containsExactly("id          job_01m851ezzhfef6v3ztrk4xjpk8", "last error  " + ERROR);
  }

  @Test
  void a_word_longer_than_the_room_is_split_within_it() {
    assertThat(Fields.wrap("a 0123456789abcdef b", 10))
        .containsExactly("a", "0123456789", "abcdef b");
  }

  @Test
  void a_line_break_in_a_value_starts_a_line_there() {
    assertThat(Fields.wrap("set -e\n./train.sh --epochs 3", 40))
        .containsExactly("set -e", "./train.sh --epochs 3");
  }

  @Test
  void colour_open_at_a_break_is_closed_at_the_end_of_the_line_and_opened_again_on_the_next() {
    Style colour = Style.forOutput(true, false, null);
    List<String> lines = Fields.wrap(colour.red("one two three"), 8);

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).endsWith("\u001B[0m");
    assertThat(lines.get(1)).startsWith(lines.get(0).substring(0, lines.get(0).indexOf('o')));
    assertThat(lines.stream().map(Table::columns).toList()).containsExactly(7, 5);
  }
}
