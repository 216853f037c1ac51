package dev.jobkit.shell.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a table fits the terminal's width: rows and a width in, lines out. */
class TableTest {

  private static final String ID = "job_01m851ezzhfef6v3ztrk4xjpk8";
  private static final String NAME = "nightly-backup-of-the-production-db";

  /** Longer than the 40 characters a reason is cut at without a terminal. */
  private static final String REASON = "stopped by alice: the backup window closed at last";

  /** The table of job list: two flexible columns among fixed ones, one reason blank. */
  private static Table jobs(Style style) {
    return Table.of("ID", "NAME", "STATUS", "PRI", "PODS", "OWNER", "CREATED", "REASON")
        .flexible("NAME", 28)
        .flexible("REASON", 40)
        .row(style.cyan(ID), NAME, style.status(null), "0", "1", "alice", "3m ago", REASON)
        .row(style.cyan(ID), "short", "RUNNING", "5", "2", "alice", "12s ago", style.dim(""));
  }

  private static void assertFits(List<String> lines, int width) {
    assertThat(lines)
        .allSatisfy(line -> assertThat(Table.columns(line)).isLessThanOrEqualTo(width));
  }

  @Test
  void at_160_columns_name_and_reason_are_shown_whole_and_the_columns_line_up() {
    List<String> lines = jobs(Style.plain()).lines(Style.plain(), 160);

    assertFits(lines, 160);
    assertThat(lines.get(1)).contains(NAME).contains(REASON).doesNotContain("…");
    assertThat(lines.get(0).indexOf("STATUS")).isEqualTo(lines.get(2).indexOf("RUNNING"));
    assertThat(lines.get(0).indexOf("REASON")).isEqualTo(lines.get(1).indexOf(REASON));
  }

  @Test
  void at_80_columns_name_and_reason_shrink_with_an_ellipsis_and_fixed_columns_keep_their_width() {
    List<String> lines = jobs(Style.plain()).lines(Style.plain(), 80);

    assertFits(lines, 80);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("ID").contains("STATUS").contains("CREATED");
    assertThat(lines.get(1)).startsWith(ID + "  ").contains("  3m ago  ").contains("…");
    // The fixed columns take 70 of the 80 columns: NAME and REASON share the rest.
    assertThat(lines.get(2)).contains("sho…").contains("RUNNING").contains("12s ago");
    assertThat(lines.get(1)).doesNotContain(NAME).doesNotContain(REASON);
    // Columns still line up after the shrinking.
    assertThat(lines.get(0).indexOf("STATUS")).isEqualTo(lines.get(2).indexOf("RUNNING"));
    assertThat(lines.get(0).indexOf("CREATED")).isEqualTo(lines.get(2).indexOf("12s ago"));
  }

  @Test
  void a_short_flexible_column_takes_only_what_it_needs_and_the_long_one_the_rest() {
    Table t =
        Table.of("ID", "NAME", "REASON")
            .flexible("NAME", 28)
            .flexible("REASON", 40)
            .row(ID, "short", REASON)
            .row(ID, "tiny", "");

    List<String> lines = t.lines(Style.plain(), 120);

    assertFits(lines, 120);
    assertThat(lines.get(1)).isEqualTo(ID + "  short  " + REASON);
    assertThat(t.lines(Style.plain(), 80).get(1))
        .startsWith(ID + "  short  stopped by alice")
        .endsWith("…")
        .hasSize(80);
  }

  @Test
  void at_40_columns_even_the_fixed_columns_do_not_fit_so_each_line_is_cut_at_the_width() {
    List<String> lines = jobs(Style.plain()).lines(Style.plain(), 40);

    assertFits(lines, 40);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).startsWith(ID).endsWith("…").hasSize(40);
  }

  @Test
  void colour_takes_no_columns_and_is_switched_off_where_a_coloured_cell_is_cut() {
    Style colour = Style.forOutput(true, false, null);
    Table t =
        Table.of("ID", "REASON").flexible("REASON", 40).row(colour.cyan(ID), colour.dim(REASON));

    List<String> lines = t.lines(colour, 50);

    assertFits(lines, 50);
    String row = lines.get(1);
    assertThat(Table.columns(row)).isEqualTo(50);
    assertThat(row)
        .startsWith("\u001B[36m" + ID + "\u001B[0m  \u001B[2mstopped")
        .endsWith("…\u001B[0m");
  }

  @Test
  void a_line_break_in_a_cell_does_not_break_the_line_on_a_terminal() {
    Table t = Table.of("ID", "NAME").flexible("NAME").row(ID, "two\nlines");

    assertThat(t.lines(Style.plain(), 80))
        .containsExactly("ID                              NAME", ID + "  two lines");
  }

  @Test
  void without_a_terminal_the_output_is_the_same_at_any_width_cut_at_each_columns_own_limit() {
    List<String> lines = jobs(Style.plain()).lines(Style.plain(), 0);

    assertThat(lines.get(1))
        .contains(NAME.substring(0, 25) + "...  ")
        .doesNotContain("…")
        .endsWith(REASON.substring(0, 37) + "...");
    assertThat(lines.get(1)).hasSizeGreaterThan(80);
    assertThat(jobs(Style.plain()).lines(Style.plain(), -1)).isEqualTo(lines);
  }

  @Test
  void wide_characters_count_as_two_columns() {
    Table t = Table.of("ID", "NAME").flexible("NAME").row(ID, "夜間バックアップ夜間バックアップ");

    List<String> lines = t.lines(Style.plain(), 50);

    assertFits(lines, 50);
    assertThat(lines.get(1)).isEqualTo(ID + "  夜間バックアップ…");
  }

  private static Table numbered(int rows) {
    Table t = Table.of("ID", "NAME").flexible("NAME", 28);
    for (int i = 0; i < rows; i++) {
      t.row("job_" + i, i == rows - 1 ? "a-name-far-longer-than-those-shown" : "n" + i);
    }
    return t;
  }

  @Test
  void with_more_rows_than_lines_the_first_rows_show_and_a_last_line_says_how_many_more() {
    List<String> lines = numbered(30).lines(Style.plain(), 80, 23);

    assertThat(lines).hasSize(23);
    assertThat(lines.get(0)).startsWith("ID");
    assertThat(lines.subList(1, 22)).allSatisfy(l -> assertThat(l).startsWith("job_"));
    assertThat(lines.get(21)).startsWith("job_20 ");
    assertThat(lines.get(22)).isEqualTo("… and 9 more");
    // The columns fit the rows shown: the long name of the last row is not one of them.
    assertThat(lines.get(0)).isEqualTo("ID      NAME");
  }

  @Test
  void rows_that_fit_under_the_header_show_all_without_a_last_line() {
    List<String> lines = numbered(22).lines(Style.plain(), 80, 23);

    assertThat(lines).hasSize(23).noneMatch(l -> l.contains("more"));
    assertThat(Table.rowsThatFit(22, 23)).isEqualTo(22);
    assertThat(Table.rowsThatFit(23, 23)).isEqualTo(21);
    assertThat(Table.rowsThatFit(5, 1)).isZero();
  }

  @Test
  void the_last_line_is_cut_to_the_width_too() {
    List<String> lines = numbered(5).lines(Style.plain(), 8, 3);

    assertThat(lines).hasSize(3);
    assertThat(lines.get(2)).isEqualTo("… and 4…");
    assertFits(lines, 8);
  }
}
