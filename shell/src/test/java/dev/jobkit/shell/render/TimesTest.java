package dev.jobkit.shell.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimesTest {

  private static final Instant NOW = Instant.parse("2026-11-23T20:00:00Z");

  @Test
  void durations_are_read_in_the_units_people_write() {
    assertThat(Times.parseDuration("90s", "--x")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Times.parseDuration("10m", "--x")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Times.parseDuration("7d", "--x")).isEqualTo(Duration.ofDays(7));
    assertThat(Times.parseDuration("2w", "--x")).isEqualTo(Duration.ofDays(14));
    assertThat(Times.parseDuration("500ms", "--x")).isEqualTo(Duration.ofMillis(500));
    assertThat(Times.parseDuration("1h30m", "--x")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Times.parseDuration("1d2h3m4s", "--x"))
        .isEqualTo(Duration.ofDays(1).plusHours(2).plusMinutes(3).plusSeconds(4));
  }

  @Test
  void a_bare_number_is_refused_with_the_units_it_could_mean() {
    assertThatThrownBy(() -> Times.parseDuration("10", "--timeout"))
        .hasMessage("--timeout needs a unit: 10s, 10m or 10h, not a bare '10'");
  }

  @Test
  void a_duration_too_long_to_mean_anything_is_refused_without_overflowing() {
    assertThatThrownBy(() -> Times.parseDuration("10000000d", "--timeout"))
        .hasMessage("--timeout must be at most 3650d, not '10000000d'");
    assertThatThrownBy(() -> Times.parseDuration("99999999999999999999s", "--timeout"))
        .hasMessage("--timeout must be at most 3650d, not '99999999999999999999s'");
  }

  @Test
  void a_wrong_duration_says_which_forms_are_accepted() {
    assertThatThrownBy(() -> Times.parseDuration("soon", "--since"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--since must be a duration such as 90s");
    assertThatThrownBy(() -> Times.parseDuration("10 minutes", "--timeout"))
        .hasMessageContaining("--timeout must be a duration such as 90s, 10m, 2h, 1h30m");
  }

  @Test
  void absolute_times_are_read_as_instants_local_times_dates_or_a_duration_back() {
    assertThat(Times.parseTime("2026-11-01T10:00:00Z", "--from", NOW, ZoneOffset.UTC))
        .isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
    assertThat(Times.parseTime("2026-11-01 10:00", "--from", NOW, ZoneOffset.ofHours(1)))
        .isEqualTo(Instant.parse("2026-11-01T09:00:00Z"));
    assertThat(Times.parseTime("2026-11-01", "--from", NOW, ZoneOffset.UTC))
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    assertThat(Times.parseTime("2d", "--from", NOW, ZoneOffset.UTC))
        .isEqualTo(Instant.parse("2026-11-21T20:00:00Z"));
    assertThatThrownBy(() -> Times.parseTime("yesterday", "--to", NOW, ZoneOffset.UTC))
        .hasMessageContaining("--to must be a time such as");
  }

  @Test
  void times_are_shown_relative_and_absolute() {
    assertThat(Times.relative(NOW.minusSeconds(12), NOW)).isEqualTo("12s ago");
    assertThat(Times.relative(NOW.minusSeconds(200), NOW)).isEqualTo("3m 20s ago");
    assertThat(Times.relative(NOW.minus(Duration.ofHours(5).plusMinutes(2)), NOW))
        .isEqualTo("5h 02m ago");
    assertThat(Times.absolute(NOW)).isEqualTo("2026-11-23 20:00:00 UTC");
  }

  @Test
  void colour_is_off_for_no_color_and_for_output_that_is_not_a_terminal() {
    assertThat(Style.forOutput(true, false, null).enabled()).isTrue();
    assertThat(Style.forOutput(true, false, "1").enabled()).isFalse();
    assertThat(Style.forOutput(true, true, null).enabled()).isFalse();
    assertThat(Style.forOutput(false, false, null).enabled()).isFalse();
    assertThat(Style.forOutput(false, false, null).red("x")).isEqualTo("x");
  }
}
