package dev.jobkit.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionPropertiesTest {

  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

  @Test
  void keep_unless_set() {
    RetentionProperties p = new RetentionProperties("keep", null, null, TEN_MINUTES);
    assertThat(p.limitOf("alice", "train")).isEmpty();
    assertThat(p.shortest()).isEmpty();
  }

  @Test
  void the_default_applies_when_neither_the_user_nor_the_app_is_set() {
    RetentionProperties p =
        new RetentionProperties("30d", Map.of("bob", "keep"), Map.of("train", "7d"), TEN_MINUTES);
    assertThat(p.limitOf("alice", null)).contains(Duration.ofDays(30));
    assertThat(p.limitOf("alice", "predict")).contains(Duration.ofDays(30));
    assertThat(p.limitOf("bob", null)).isEmpty();
    assertThat(p.limitOf("alice", "train")).contains(Duration.ofDays(7));
    assertThat(p.shortest()).contains(Duration.ofDays(7));
  }

  @Test
  void the_shortest_of_the_users_and_the_apps_limit_wins_and_keep_is_the_longest() {
    RetentionProperties p =
        new RetentionProperties(
            "keep", Map.of("alice", "12h", "bob", "keep"), Map.of("train", "7d"), TEN_MINUTES);
    assertThat(p.limitOf("alice", "train")).contains(Duration.ofHours(12));
    assertThat(p.limitOf("bob", "train")).contains(Duration.ofDays(7));
    assertThat(p.limitOf("carol", "train")).contains(Duration.ofDays(7));
    assertThat(p.limitOf("carol", null)).isEqualTo(Optional.empty());
  }

  @Test
  void bad_values_are_refused_naming_the_setting() {
    assertThatThrownBy(() -> new RetentionProperties("forever", null, null, TEN_MINUTES))
        .hasMessageContaining("jobkit.retention.default is 'forever'");
    assertThatThrownBy(
            () -> new RetentionProperties("keep", Map.of("bob", "-1d"), null, TEN_MINUTES))
        .hasMessageContaining("jobkit.retention.users.bob is '-1d'");
    assertThatThrownBy(() -> new RetentionProperties("keep", null, Map.of("x", ""), TEN_MINUTES))
        .hasMessageContaining("jobkit.retention.apps.x is empty");
    assertThatThrownBy(() -> new RetentionProperties("keep", null, null, Duration.ZERO))
        .hasMessageContaining("jobkit.retention.sweep-interval");
  }
}
