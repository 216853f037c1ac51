package dev.jobkit.tools.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.tools.registry.Schemas;
import org.junit.jupiter.api.Test;

/** Code shown to a person: one JSON string literal, nothing in it able to leave it or hide. */
class QuotedTest {

  @Test
  void line_breaks_come_out_escaped() {
    assertThat(Quoted.of("a\nb\r\nc\u2028d\u2029e\u0085f", 100))
        .isEqualTo("\"a\\nb\\r\\nc\\u2028d\\u2029e\\u0085f\"");
  }

  @Test
  void a_quote_or_a_backslash_cannot_end_the_quotation() {
    assertThat(Quoted.of("say \"yes\" \\", 100)).isEqualTo("\"say \\\"yes\\\" \\\\\"");
  }

  @Test
  void bidi_overrides_zero_width_and_control_characters_come_out_escaped() {
    assertThat(Quoted.of("rm\u202E fdp.exe\u200B\u200D\uFEFF\u2066\u0007\u001B[2J", 100))
        .isEqualTo("\"rm\\u202e fdp.exe\\u200b\\u200d\\ufeff\\u2066\\u0007\\u001B[2J\"");
  }

  @Test
  void what_is_shown_reads_back_as_exactly_the_text() {
    String script = "echo \"a\"\n\tprintf '%s' \u202Eé 😀\u200B";

    String shown = Quoted.of(script, 1_000);

    assertThat(shown).doesNotContain("\n", "\t", "\u202E", "\u200B");
    assertThat(Schemas.JSON.readValue(shown, String.class)).isEqualTo(script);
  }

  @Test
  void a_long_text_is_cut_to_its_budget_with_a_mark() {
    assertThat(Quoted.of("abcdef", 4)).isEqualTo("\"abc…\"");
    assertThat(Quoted.of("abcd", 4)).isEqualTo("\"abcd\"");
    assertThat(Quoted.of(null, 4)).isEqualTo("\"\"");
  }
}
