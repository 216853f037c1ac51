package dev.jobkit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The code shown in the docs is the code of the samples, which compiles: a snippet marked {@code
 * <!-- snippet: NAME -->} in a Markdown file must equal the region between {@code // [NAME]}
 * markers in the sample.
 */
class DocsMatchSamplesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void the_sdk_guide_shows_the_quick_start_sample_as_it_is() throws IOException {
    assertThat(snippet(ROOT.resolve("docs/sdk.md"), "quickstart"))
        .isEqualTo(region(sample("QuickStart"), "quickstart"));
  }

  @Test
  void the_sdk_guide_shows_the_progress_sample_as_it_is() throws IOException {
    assertThat(snippet(ROOT.resolve("docs/sdk.md"), "progress"))
        .isEqualTo(region(sample("ProgressReport"), "progress"));
  }

  @Test
  void the_sdk_guide_shows_the_data_sample_as_it_is() throws IOException {
    assertThat(snippet(ROOT.resolve("docs/sdk.md"), "data"))
        .isEqualTo(region(sample("DataRoundTrip"), "data"));
  }

  @Test
  void the_sdk_guide_shows_the_pipeline_sample_as_it_is() throws IOException {
    assertThat(snippet(ROOT.resolve("docs/sdk.md"), "pipeline"))
        .isEqualTo(region(sample("TrainPipeline"), "pipeline"));
    assertThat(snippet(ROOT.resolve("docs/sdk.md"), "pipeline-train"))
        .isEqualTo(region(sample("TrainPipeline"), "pipeline-train"));
  }

  @Test
  void the_agent_tools_guide_shows_the_agent_loop_sample_as_it_is() throws IOException {
    assertThat(snippet(ROOT.resolve("docs/agent-tools.md"), "agentloop"))
        .isEqualTo(region(sample("AgentLoop"), "agentloop"));
  }

  @Test
  void the_results_guide_shows_the_webhook_receiver_sample_as_it_is() throws IOException {
    assertThat(snippet(ROOT.resolve("docs/results.md"), "webhook-receiver"))
        .isEqualTo(region(sample("WebhookReceiver"), "webhook-receiver"));
  }

  private static Path sample(String name) {
    return ROOT.resolve("samples/src/main/java/dev/jobkit/samples/" + name + ".java");
  }

  static String snippet(Path markdown, String name) throws IOException {
    Matcher m =
        Pattern.compile(
                "<!-- snippet: " + Pattern.quote(name) + " -->\\s*```java\\n(.*?)```",
                Pattern.DOTALL)
            .matcher(Files.readString(markdown));
    assertThat(m.find()).as("snippet %s in %s", name, markdown).isTrue();
    return m.group(1).stripTrailing();
  }

  static String region(Path source, String name) throws IOException {
    String text = Files.readString(source);
    String marker = "// [" + name + "]";
    int start = text.indexOf(marker);
    int end = text.indexOf(marker, start + marker.length());
    assertThat(start).as("region %s in %s", name, source).isNotNegative();
    assertThat(end).as("end of region %s in %s", name, source).isGreaterThan(start);
    String body = text.substring(text.indexOf('\n', start) + 1, text.lastIndexOf('\n', end));
    return body.stripIndent().stripTrailing();
  }
}
