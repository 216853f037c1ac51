package dev.jobkit.server.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link ReportFiles} makes of the metrics file a job writes. */
class ReportFilesTest {

  @Test
  void metrics_keep_the_finite_numbers_and_leave_out_every_other_member(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("metrics.json");
    Files.writeString(
        file,
        "{\"loss\": 0.5, \"note\": \"text\", \"also\": \"1.5\", \"flag\": true, \"none\": null,"
            + " \"nested\": {\"a\": 1}, \"list\": [1], \"huge\": 1e999, \"step\": 3}");

    assertThat(ReportFiles.metrics(file))
        .containsExactly(java.util.Map.entry("loss", 0.5), java.util.Map.entry("step", 3.0));
  }
}
