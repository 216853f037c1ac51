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

  @Test
  void a_context_named_before_the_command_wins_over_jobkit_url_and_brings_its_key() {
    Contexts.of(dataDir).set("prod", "http://prod.example:8080", "jk_prod");
    Connection c =
        Connection.resolve(
            null,
            dataDir,
            Map.of(
                "JOBKIT_CONTEXT",
                "prod",
                "JOBKIT_URL",
                "http://other:1",
                "JOBKIT_API_KEY",
                "jk_me"),
            message -> {});
    assertThat(c.baseUrl()).isEqualTo("http://prod.example:8080");
    assertThat(c.apiKey()).isEqualTo("jk_prod");
    assertThat(c.source()).startsWith("context prod of ");
  }

  @Test
  void the_context_in_use_is_taken_when_no_url_is_given_and_a_wrong_name_lists_the_right_ones()
      throws Exception {
    Contexts.of(dataDir).set("staging", "http://staging:8080", null);
    Contexts.of(dataDir).use("staging");
    Connection c = Connection.resolve(null, dataDir, Map.of("JOBKIT_API_KEY", "jk_me"), m -> {});
    assertThat(c.baseUrl()).isEqualTo("http://staging:8080");
    assertThat(c.apiKey()).isEqualTo("jk_me");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(dataDir.resolve("config.properties"))))
        .isEqualTo("rw-------");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Connection.resolve(null, dataDir, Map.of("JOBKIT_CONTEXT", "prd"), m -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no context 'prd'")
        .hasMessageContaining("there are: staging");
  }

  @Test
  void contexts_that_are_not_in_use_leave_the_local_service_in_charge() {
    Contexts.of(dataDir).set("lab", "http://lab:8080", null);
    assertThat(Connection.given(null, dataDir, Map.of())).isFalse();
    assertThat(Connection.given(null, dataDir, Map.of("JOBKIT_CONTEXT", "lab"))).isTrue();
    assertThat(Connection.given(null, dataDir, Map.of("JOBKIT_CONTEXT", "nope"))).isTrue();
    Contexts.of(dataDir).use("lab");
    assertThat(Connection.given(null, dataDir, Map.of())).isTrue();
  }

  @Test
  void connecting_starts_nothing_when_a_url_is_given_or_a_live_service_is_recorded()
      throws Exception {
    assertThat(Connection.startsNothing(null, dataDir, Map.of())).isFalse();
    assertThat(Connection.startsNothing("http://127.0.0.1:1", dataDir, Map.of())).isTrue();
    assertThat(Connection.startsNothing(null, dataDir, Map.of("JOBKIT_URL", "http://x:1")))
        .isTrue();
    assertThat(Connection.startsNothing(null, dataDir, Map.of("JOBKIT_CONTEXT", "nope"))).isFalse();
    // A record of a live process (this test's JVM): resolving would wait for it, not start one.
    Files.writeString(
        dataDir.resolve("service.properties"),
        "pid=" + ProcessHandle.current().pid() + "\nport=1\nstarted_at=2026-01-01T00:00:00Z\n");
    assertThat(Connection.startsNothing(null, dataDir, Map.of())).isTrue();
    // A record of a process that is gone: resolving would start the service.
    Files.writeString(
        dataDir.resolve("service.properties"),
        "pid=2147483646\nport=1\nstarted_at=2026-01-01T00:00:00Z\n");
    assertThat(Connection.startsNothing(null, dataDir, Map.of())).isFalse();
  }
}
