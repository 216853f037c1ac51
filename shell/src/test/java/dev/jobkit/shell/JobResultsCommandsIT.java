package dev.jobkit.shell;

import static dev.jobkit.shell.support.ShellFixture.SCREEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.ResultManifest;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import dev.jobkit.shell.support.Tmux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code job results}: the manifest as a table and as JSON, a download checked file by file, one
 * file, a directory verified later, a file that fails its checksum, and a job whose results
 * retention removed.
 */
class JobResultsCommandsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension static final ShellFixture fixture = ShellFixture.create("NO_COLOR", "1");

  private static Jobkit.Result ok(String... args) {
    Jobkit.Result result = fixture.run(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  private static Job finished() {
    Job job =
        fixture
            .client()
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell(
                        "cd \"$JOBKIT_OUTPUT_DIR\" && printf 'a,b\\n1,2\\n' > table.csv"
                            + " && mkdir -p model && printf weights > model/w.bin")
                    .build());
    return fixture.client().jobs().await(job.id(), JobStatus::isTerminal, SCREEN);
  }

  @Test
  void the_manifest_as_a_table_and_as_json() throws IOException {
    Job job = finished();
    ResultManifest manifest = fixture.client().jobs().results(job.id()).manifest();
    String sha = manifest.files().get(1).sha256();

    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine("job", "results", job.id()))) {
      String screen = tmux.awaitText("[exited 0]", SCREEN);
      assertThat(screen).contains("PATH").contains("SIZE").contains("SHA256").contains("MODIFIED");
      assertThat(screen)
          .contains("model/w.bin")
          .contains("table.csv")
          .contains(sha.substring(0, 12));
      assertThat(screen).doesNotContain(sha.substring(0, 13)).contains("2 files, 15 bytes");
    }

    JsonNode json = JSON.readTree(ok("job", "results", job.id(), "--json").out());
    assertThat(json.get("final").asBoolean()).isTrue();
    assertThat(json.get("files").get(1).get("sha256").asString()).isEqualTo(sha);
  }

  @Test
  void output_downloads_every_file_checked_and_verify_checks_the_directory_later()
      throws IOException {
    Job job = finished();
    Path out = fixture.home().resolve("out-" + job.id());

    assertThat(ok("job", "results", job.id(), "--output", out.toString()).out())
        .isEqualTo(
            "wrote 2 files (15 bytes) of job "
                + job.id()
                + " to "
                + out
                + ", every SHA-256 checked\n");
    assertThat(out.resolve("model/w.bin")).hasContent("weights");
    assertThat(ok("job", "results", job.id(), "--verify", out.toString()).out())
        .contains("holds the results of job " + job.id() + ": 2 files, all match");

    Files.writeString(out.resolve("table.csv"), "changed");
    Files.writeString(out.resolve("extra.txt"), "x");
    Files.delete(out.resolve("model/w.bin"));
    Jobkit.Result changed = fixture.run("job", "results", job.id(), "--verify", out.toString());
    assertThat(changed.exitCode()).as(changed.toString()).isEqualTo(1);
    assertThat(changed.out())
        .contains("0 match, 1 missing, 1 changed, 1 extra")
        .contains("missing  model/w.bin")
        .contains("changed  table.csv")
        .contains("extra    extra.txt");

    Path one = fixture.home().resolve("one-" + job.id());
    assertThat(
            ok("job", "results", job.id(), "--file", "model/w.bin", "--output", one.toString())
                .out())
        .startsWith("wrote " + one.resolve("model/w.bin") + " (7 bytes), sha256 ");
    try (var files = Files.list(one)) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void a_file_that_fails_its_checksum_is_named_and_the_exit_is_not_zero() throws IOException {
    Job job = finished();
    fixture.client().jobs().results(job.id()).manifest();
    Files.writeString(
        fixture.service().server().jobDir(job.id()).resolve("output/table.csv"), "tampered");
    Path out = fixture.home().resolve("bad-" + job.id());

    Jobkit.Result failed = fixture.run("job", "results", job.id(), "--output", out.toString());

    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.out()).contains("checksum mismatch").contains("table.csv");
    assertThat(out.resolve("table.csv")).doesNotExist();
    assertThat(out.resolve("model/w.bin")).hasContent("weights");
  }

  @Test
  void sha256sums_prints_what_sha256sum_checks_in_the_downloaded_directory() throws Exception {
    Job job = finished();
    Path out = fixture.home().resolve("sums-" + job.id());
    ok("job", "results", job.id(), "--output", out.toString());

    String sums = ok("job", "results", job.id(), "--sha256sums").out();

    ResultManifest manifest = fixture.client().jobs().results(job.id()).manifest();
    assertThat(sums)
        .isEqualTo(
            manifest.files().get(0).sha256()
                + "  model/w.bin\n"
                + manifest.files().get(1).sha256()
                + "  table.csv\n");
    Files.writeString(out.resolve("SHA256SUMS"), sums);
    Process check =
        new ProcessBuilder("sha256sum", "-c", "SHA256SUMS")
            .directory(out.toFile())
            .redirectErrorStream(true)
            .start();
    String said = new String(check.getInputStream().readAllBytes());
    assertThat(check.waitFor()).as(said).isZero();
    assertThat(said).contains("model/w.bin: OK").contains("table.csv: OK");

    Jobkit.Result both = fixture.run("job", "results", job.id(), "--sha256sums", "--json");
    assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
    assertThat(both.err()).contains("--sha256sums prints the checksums");
  }

  @Test
  void a_job_whose_results_retention_removed_says_so_instead_of_not_found() {
    Job job = finished();
    Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    // What the retention sweep does after removing the files (RetentionIT runs the sweep itself).
    fixture.service().server().bean(JobStore.class).markResultsExpired(job.id(), at);

    Jobkit.Result gone = fixture.run("job", "results", job.id());

    assertThat(gone.exitCode()).as(gone.toString()).isEqualTo(3);
    assertThat(gone.err()).contains("results of " + job.id() + " were removed by retention at");
    assertThat(gone.err()).doesNotContain("404");
  }
}
