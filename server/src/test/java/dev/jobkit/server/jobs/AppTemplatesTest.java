package dev.jobkit.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The template rules of an app: what a placeholder is, how values become text. */
class AppTemplatesTest {

  @Test
  void a_placeholder_is_replaced_once_and_its_value_is_never_read_as_a_template() {
    String rendered = AppTemplates.render("--x={a}{{b}}{b}", Map.of("a", "{b} $(id) ;", "b", "}}"));

    assertThat(rendered).isEqualTo("--x={b} $(id) ;{b}}}");
  }

  @Test
  void names_lists_the_parameters_a_template_uses() {
    assertThat(AppTemplates.names("{a}-{b_2}-{a}-{{c}}")).containsExactly("a", "b_2");
  }

  @Test
  void a_stray_brace_is_an_error_saying_how_to_write_a_literal_one() {
    assertThatThrownBy(() -> AppTemplates.parse("awk {print $1}"))
        .hasMessageContaining("character 5")
        .hasMessageContaining("{{");
    assertThatThrownBy(() -> AppTemplates.parse("a}")).hasMessageContaining("}}");
    assertThatThrownBy(() -> AppTemplates.parse("{open")).hasMessageContaining("{{");
  }

  @Test
  void values_become_text_numbers_in_plain_decimal() {
    assertThat(AppTemplates.text(1e-4)).isEqualTo("0.0001");
    assertThat(AppTemplates.text(2.0)).isEqualTo("2");
    assertThat(AppTemplates.text(64)).isEqualTo("64");
    assertThat(AppTemplates.text(true)).isEqualTo("true");
    assertThat(AppTemplates.text(null)).isEmpty();
    assertThat(AppTemplates.text(List.of(1, "a"))).isEqualTo("[1,\"a\"]");
    assertThat(AppTemplates.envName("lr")).isEqualTo("JOBKIT_PARAM_LR");
  }
}
