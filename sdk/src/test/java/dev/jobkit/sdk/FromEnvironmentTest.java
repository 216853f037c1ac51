package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where {@link JobkitClient#fromEnvironment()} finds the service and the key. */
class FromEnvironmentTest {

  @Test
  void inside_a_job_the_job_token_is_the_key() {
    try (JobkitClient client =
        JobkitClient.fromEnvironment(
                Map.of("JOBKIT_URL", "http://127.0.0.1:1", "JOBKIT_TOKEN", "jkt_job"))
            .build()) {
      assertThat(client.apiKey()).isEqualTo("jkt_job");
    }
  }

  @Test
  void an_api_key_wins_over_the_job_token() {
    try (JobkitClient client =
        JobkitClient.fromEnvironment(
                Map.of(
                    "JOBKIT_URL", "http://127.0.0.1:1",
                    "JOBKIT_API_KEY", "jk_user",
                    "JOBKIT_TOKEN", "jkt_job"))
            .build()) {
      assertThat(client.apiKey()).isEqualTo("jk_user");
    }
  }

  @Test
  void without_a_url_it_says_what_to_set() {
    assertThatThrownBy(() -> JobkitClient.fromEnvironment(Map.of("JOBKIT_TOKEN", "jkt_job")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("JOBKIT_URL is not set");
  }
}
