package dev.jobkit.shell.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which service and key the shell uses, from the environment (no service is started here). */
class ConnectionTest {

  @TempDir Path dataDir;

  @Test
  void inside_a_job_the_shell_uses_the_job_token_as_its_key() {
    Connection c =
        Connection.resolve(
            null,
            dataDir,
            Map.of("JOBKIT_URL", "http://127.0.0.1:1", "JOBKIT_TOKEN", "jkt_job"),
            message -> {});
    assertThat(c.baseUrl()).isEqualTo("http://127.0.0.1:1");
    assertThat(c.apiKey()).isEqualTo("jkt_job");
    assertThat(Files.exists(dataDir.resolve("service.properties"))).isFalse();
  }

  @Test
  void an_api_key_wins_over_the_job_token() {
    Connection c =
        Connection.resolve(
            "http://127.0.0.1:2",
            dataDir,
            Map.of("JOBKIT_API_KEY", "jk_user", "JOBKIT_TOKEN", "jkt_job"),
            message -> {});
    assertThat(c.apiKey()).isEqualTo("jk_user");
  }
}
