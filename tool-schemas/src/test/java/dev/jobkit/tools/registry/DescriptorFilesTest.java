package dev.jobkit.tools.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The committed descriptor files are exactly what the registry generates today. */
class DescriptorFilesTest {

  static final Path GENERATED = Path.of("generated");

  @Test
  void every_committed_descriptor_file_equals_what_the_registry_generates() throws IOException {
    for (Map.Entry<String, String> file : DescriptorFiles.render().entrySet()) {
      Path committed = GENERATED.resolve(file.getKey());
      assertThat(committed)
          .as("%s is missing: run mvn -pl tool-schemas process-classes -Dregenerate", committed)
          .exists();
      assertThat(Files.readString(committed))
          .as(
              "%s is stale: run mvn -pl tool-schemas process-classes -Dregenerate and commit it",
              committed)
          .isEqualTo(file.getValue());
    }
  }

  @Test
  void no_other_file_lies_in_the_generated_directory() throws IOException {
    try (var files = Files.list(GENERATED)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrderElementsOf(DescriptorFiles.render().keySet());
    }
  }
}
