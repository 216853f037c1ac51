package dev.jobkit.sdk.guard;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jobkit.sdk.JobkitException;
import org.junit.jupiter.api.Test;

class ConfirmersTest {

  @Test
  void the_console_confirmer_without_a_terminal_says_why_it_cannot_ask_instead_of_no() {
    assumeTrue(System.console() == null, "the tests run without a terminal, as in CI");

    assertThatThrownBy(() -> Confirmers.console().confirm(null))
        .isInstanceOf(JobkitException.class)
        .hasMessageStartingWith("Confirmers.console() cannot ask: there is no terminal");
  }
}
