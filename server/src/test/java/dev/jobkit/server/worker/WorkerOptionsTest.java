package dev.jobkit.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.server.JobkitProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options of {@code jobkit worker}: what each becomes, and a sentence for each wrong one. */
class WorkerOptionsTest {

  private static WorkerOptions parse(Map<String, String> env, String... args) {
    return WorkerOptions.parse(args, env);
  }

  @Test
  void options_become_the_worker_and_executor_settings() {
    WorkerOptions options =
        parse(
            Map.of(),
            "--url=http://jobkit:8080/",
            "--key",
            " jk_w ",
            "--slots",
            "3",
            "--apps",
            "train, predict,",
            "--name",
            "box",
            "--work-dir",
            "/tmp/w",
            "--jobkit.executor.stop-grace-period=3s");

    assertThat(options.url()).isEqualTo("http://jobkit:8080");
    assertThat(options.key()).isEqualTo("jk_w");
    assertThat(options.apps()).containsExactly("train", "predict");
    assertThat(options.toString()).doesNotContain("jk_w");
    JobkitProperties properties = options.properties();
    assertThat(properties.dataDir()).isEqualTo(Path.of("/tmp/w"));
    assertThat(properties.executor().slots()).isEqualTo(3);
    assertThat(properties.executor().stopGracePeriod()).isEqualTo(Duration.ofSeconds(3));
    assertThat(properties.executor().maxPodsPerJob()).isEqualTo(64); // the service's default
  }

  @Test
  void the_url_and_key_come_from_the_environment_when_not_given() {
    WorkerOptions options =
        parse(Map.of("JOBKIT_URL", "https://j.example", "JOBKIT_API_KEY", "jk_api"));
    assertThat(options.url()).isEqualTo("https://j.example");
    assertThat(options.key()).isEqualTo("jk_api");
    assertThat(
            parse(
                    Map.of(
                        "JOBKIT_URL",
                        "http://a",
                        "JOBKIT_WORKER_KEY",
                        "jk_w",
                        "JOBKIT_API_KEY",
                        "x"))
                .key())
        .isEqualTo("jk_w");
  }

  @Test
  void each_wrong_option_is_named() {
    Map<String, String> key = Map.of("JOBKIT_WORKER_KEY", "k");
    assertThatThrownBy(() -> parse(key)).hasMessageContaining("--url is required");
    assertThatThrownBy(() -> parse(key, "--url", "ftp://x")).hasMessageContaining("--url must be");
    assertThatThrownBy(() -> parse(Map.of(), "--url", "http://x")).hasMessageContaining("--key");
    assertThatThrownBy(() -> parse(key, "--url", "http://x", "--slots", "0"))
        .hasMessageContaining("--slots");
    assertThatThrownBy(() -> parse(key, "--url", "http://x", "--slots"))
        .hasMessageContaining("--slots needs a value");
    assertThatThrownBy(() -> parse(key, "--url", "http://x", "--color"))
        .hasMessageContaining("unknown option '--color'");
    assertThatThrownBy(() -> parse(key, "--url", "http://x", "--name", " "))
        .hasMessageContaining("--name");
  }
}
