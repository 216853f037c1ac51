package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.JobResults;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.ResultMismatch;
import dev.jobkit.sdk.ResultsCheck;
import dev.jobkit.sdk.ResultsMismatchException;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.ResultFile;
import dev.jobkit.sdk.jobs.ResultManifest;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A job's results through the SDK: download with checksums, one file, verify a directory, zip. */
class SdkJobResultsIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private final Api user = service.user();
  private final JobkitClient client = service.client(service.userKey());

  @TempDir Path local;

  private Job finished() {
    Job job =
        user.submitShell(
            "cd \"$JOBKIT_OUTPUT_DIR\" && printf one > one.txt && mkdir -p deep/er"
                + " && printf 'two two' > 'deep/er/two with space.bin'");
    user.awaitStatus(job.id(), SUCCEEDED, Duration.ofSeconds(60));
    return job;
  }

  @Test
  void download_writes_every_file_checked_and_verify_finds_what_changed_later() throws IOException {
    Job job = finished();
    JobResults results = client.jobs().results(job.id());

    ResultManifest manifest = results.download(local);

    assertThat(manifest.files())
        .extracting(ResultFile::path)
        .containsExactly("deep/er/two with space.bin", "one.txt");
    assertThat(local.resolve("one.txt")).hasContent("one");
    assertThat(local.resolve("deep/er/two with space.bin")).hasContent("two two");
    ResultsCheck fresh = results.verify(local);
    assertThat(fresh.ok()).isTrue();
    assertThat(fresh.matched()).isEqualTo(2);

    Files.writeString(local.resolve("one.txt"), "changed");
    Files.delete(local.resolve("deep/er/two with space.bin"));
    Files.writeString(local.resolve("extra.txt"), "not mine");

    ResultsCheck later = results.verify(local);
    assertThat(later.ok()).isFalse();
    assertThat(later.missing()).containsExactly("deep/er/two with space.bin");
    assertThat(later.changed()).extracting(ResultMismatch::path).containsExactly("one.txt");
    assertThat(later.extra()).containsExactly("extra.txt");
  }

  /**
   * A directory of the download target that is a symbolic link (planted there by someone else, or
   * left from before) is not followed: nothing is written outside {@code dir}.
   */
  @Test
  void a_link_planted_in_the_target_dir_is_not_followed(@TempDir Path elsewhere)
      throws IOException {
    Job job = finished();
    JobResults results = client.jobs().results(job.id());
    Files.createDirectories(local.resolve("deep"));
    Files.createSymbolicLink(local.resolve("deep/er"), elsewhere);

    assertThatThrownBy(() -> results.download(local))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("symbolic link");

    try (var listed = Files.list(elsewhere)) {
      assertThat(listed).isEmpty();
    }
    assertThat(results.verify(local).missing()).contains("deep/er/two with space.bin");
  }

  @Test
  void a_file_that_does_not_match_its_manifest_is_named_and_not_written() throws IOException {
    Job job = finished();
    JobResults results = client.jobs().results(job.id());
    results.manifest(); // taken: the file changes on the service's disk only afterwards
    Files.writeString(
        service.server().jobDir(job.id()).resolve("output").resolve("one.txt"), "corrupted");

    assertThatThrownBy(() -> results.download(local))
        .isInstanceOfSatisfying(
            ResultsMismatchException.class,
            e -> {
              assertThat(e.mismatches())
                  .extracting(ResultMismatch::path)
                  .containsExactly("one.txt");
              assertThat(e.getMessage()).contains("1 of 2 files").contains("one.txt");
            });
    assertThat(local.resolve("one.txt")).doesNotExist();
    assertThat(local.resolve("deep/er/two with space.bin")).hasContent("two two");
    try (var left = Files.list(local)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }
  }

  @Test
  void one_file_and_the_zip() throws IOException {
    Job job = finished();
    JobResults results = client.jobs().results(job.id());

    ResultFile one = results.download(local, "deep/er/two with space.bin");
    assertThat(one.sizeBytes()).isEqualTo(7);
    assertThat(local.resolve("deep/er/two with space.bin")).hasContent("two two");
    assertThat(local.resolve("one.txt")).doesNotExist();
    assertThatThrownBy(() -> results.download(local, "nope.txt"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nope.txt");

    Map<String, String> entries = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(results.openZip())) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        entries.put(e.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(entries)
        .containsExactly(
            Map.entry("deep/er/two with space.bin", "two two"), Map.entry("one.txt", "one"));
    try (InputStream in = results.open("one.txt")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("one");
    }
  }

  @Test
  void a_job_that_has_not_ended_has_no_checksums_to_download_against() {
    String gate = "sdk-results-running";
    Job job = user.submitShell(service.gates().script(gate));
    user.awaitStatus(job.id(), RUNNING);
    try {
      JobResults results = client.jobs().results(job.id());
      assertThat(results.manifest().complete()).isFalse();
      assertThatThrownBy(() -> results.download(local))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("has not ended");
    } finally {
      service.gates().open(gate);
    }
  }

  @Test
  void another_users_job_is_not_found() {
    Job job = finished();
    Api other = service.newUser("sdk-results-other", "parallel");
    JobResults theirs = service.client(other.key()).jobs().results(job.id());
    assertThatThrownBy(theirs::manifest).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(theirs::openZip).isInstanceOf(NotFoundException.class);
  }
}
