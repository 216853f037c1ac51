package dev.jobkit.shell.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a job controls (its name, tags, reasons, the paths of its results) reaches the terminal
 * without any control sequence of its own: no clear screen, no window title, no cursor move.
 */
class TextTest {

  private static final String EVIL = "evil\u001B[2J\u001B]0;pwned\u0007\u009B31m\u202Ename";

  @Test
  void control_characters_are_shown_not_sent() {
    assertThat(Text.safe(EVIL)).isEqualTo("evil^[[2J^[]0;pwned^G\\u009b31m\\u202ename");
    assertThat(Text.safe("tab\there\r\nline")).isEqualTo("tab here  line");
    assertThat(Text.safe("ünï©ødé 😀 名前")).isEqualTo("ünï©ødé 😀 名前");
  }

  @Test
  void colour_stays_colour() {
    Style colour = Style.forOutput(true, false, null);
    assertThat(Text.safe(colour.cyan("job"))).isEqualTo(colour.cyan("job"));
  }

  @Test
  void tables_and_fields_print_no_control_character_of_a_cell() {
    List<String> table = Table.of("ID", "NAME").row("job_1", EVIL).lines(Style.plain(), 0);
    List<String> wide = Table.of("ID", "NAME").row("job_1", EVIL).lines(Style.plain(), 120);
    List<String> fields =
        new Fields().put("name", EVIL).put("shell", "a\nb").lines(Style.plain(), 80);
    for (String line : concat(table, wide, fields)) {
      assertThat(line.chars().filter(c -> c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x202e))
          .isEmpty();
    }
    assertThat(fields).contains("shell  a", "       b");
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
  }
}
