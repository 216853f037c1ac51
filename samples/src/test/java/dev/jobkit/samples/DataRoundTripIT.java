package dev.jobkit.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.data.Dataset;
import dev.jobkit.server.support.JobkitService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The data sample against a real service: it uploads, checks, lists and deletes. */
class DataRoundTripIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  @Test
  void the_sample_uploads_downloads_checked_and_deletes(@TempDir Path dir) throws IOException {
    Path csv = Files.writeString(dir.resolve("genes.csv"), "g1,g2,t1\n1,2,3\n4,5,6\n");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    JobkitClient client = service.client(service.userKey());

    Dataset data =
        DataRoundTrip.run(client, csv, new PrintStream(printed, true, StandardCharsets.UTF_8));

    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(output)
        .startsWith(data.id() + " 21 bytes, sha256 " + data.sha256())
        .contains("2 rows, 3 columns")
        .contains(", checked");
    assertThatThrownBy(() -> client.datasets().get(data.id()))
        .isInstanceOf(NotFoundException.class);
  }
}
