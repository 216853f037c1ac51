package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.CANCELED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static dev.jobkit.server.support.Problems.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.ResultFile;
import dev.jobkit.sdk.jobs.ResultManifest;
import dev.jobkit.server.store.JobResultStore;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /api/v1/jobs/{id}/results}: the manifest taken when a job ends (and what a job still
 * running has written, without checksums), one file with {@code Range} and {@code ETag}, the zip,
 * paths that try to leave the output dir, and another user's private job.
 */
class JobResultsIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String CSV = "a,b\n1,2\n3,4\n";

  private final Api user = service.user();

  /** A job that writes two files in a sub directory, a link out and a link up. */
  private Job finished() {
    Job job =
        user.submitShell(
            "cd \"$JOBKIT_OUTPUT_DIR\" && printf 'hello results' > out.txt"
                + " && mkdir -p sub/dir && printf '"
                + CSV.replace("\n", "\\n")
                + "' > sub/dir/data.csv"
                + " && ln -s /etc/passwd evil && ln -s .. up");
    user.awaitStatus(job.id(), SUCCEEDED, Duration.ofSeconds(60));
    return job;
  }

  /** Taken after the end by the service itself, not at the first read (nobody reads these). */
  @Test
  void the_manifests_of_jobs_that_wrote_results_are_taken_after_their_end_without_a_read() {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      jobs.add(user.submitShell("printf " + i + " > \"$JOBKIT_OUTPUT_DIR/n.txt\""));
    }
    JobResultStore store = service.server().bean(JobResultStore.class);
    for (Job job : jobs) {
      user.awaitStatus(job.id(), SUCCEEDED, Duration.ofSeconds(60));
      await().atMost(Duration.ofSeconds(30)).until(() -> store.exists(job.id()));
      assertThat(store.find(job.id()).orElseThrow().fileCount()).isEqualTo(1);
    }
  }

  @Test
  void an_ended_job_has_a_final_manifest_whose_checksums_match_its_files() {
    Job job = finished();

    ResultManifest manifest =
        user.get("/api/v1/jobs/" + job.id() + "/results").expect(200).as(ResultManifest.class);

    assertThat(manifest.complete()).isTrue();
    assertThat(manifest.jobId()).isEqualTo(job.id());
    assertThat(manifest.files())
        .extracting(ResultFile::path)
        .containsExactly("out.txt", "sub/dir/data.csv");
    assertThat(manifest.fileCount()).isEqualTo(2);
    assertThat(manifest.totalBytes()).isEqualTo(13 + CSV.length());
    ResultFile out = manifest.files().get(0);
    assertThat(out.sha256()).isEqualTo(sha256("hello results".getBytes(StandardCharsets.UTF_8)));
    assertThat(out.sizeBytes()).isEqualTo(13);
    assertThat(out.mediaType()).isEqualTo("text/plain");
    assertThat(out.modifiedAt()).isNotNull();
    ResultFile csv = manifest.files().get(1);
    assertThat(csv.sha256()).isEqualTo(sha256(CSV.getBytes(StandardCharsets.UTF_8)));
    assertThat(csv.mediaType()).isEqualTo("text/csv");

    // Taken once: the same on every read.
    assertThat(
            user.get("/api/v1/jobs/" + job.id() + "/results").expect(200).as(ResultManifest.class))
        .isEqualTo(manifest);
  }

  @Test
  void a_file_has_its_sha256_as_etag_and_answers_ranges() {
    Job job = finished();
    String path = "/api/v1/jobs/" + job.id() + "/results/sub/dir/data.csv";

    Api.Response whole = user.get(path).expect(200);
    assertThat(whole.body()).isEqualTo(CSV);
    String etag = "\"" + sha256(CSV.getBytes(StandardCharsets.UTF_8)) + "\"";
    assertThat(whole.headers().firstValue("ETag")).hasValue(etag);
    assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");

    assertThat(user.get(path, "If-None-Match", etag).status()).isEqualTo(304);
    assertThat(user.get(path, "If-None-Match", "\"other\"").status()).isEqualTo(200);

    Api.Response part = user.get(path, "Range", "bytes=4-6");
    assertThat(part.status()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(CSV.substring(4, 7));
    assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 4-6/" + CSV.length());

    Api.Response outside = user.get(path, "Range", "bytes=1000-2000");
    assertThat(outside.status()).isEqualTo(416);
    assertThat(outside.headers().firstValue("Content-Range")).hasValue("bytes */" + CSV.length());
    assertThat(outside.body()).doesNotContain("a,b"); // a problem document, not the whole file
    for (String bad :
        List.of("bytes=-0", "bytes=5-2", "bytes=99999999999999999999-", "items=0-1")) {
      Api.Response refused = user.get(path, "Range", bad);
      assertThat(refused.status()).as(bad).isEqualTo(416);
      assertThat(refused.body()).as(bad).doesNotContain("a,b").contains("\"status\":416");
    }
  }

  @Test
  void a_large_file_arrives_whole_and_in_ranges() {
    // 1 MiB: over the size from which the container sends a whole file itself (sendfile).
    Job job = user.submitShell("head -c 1048576 /dev/urandom > \"$JOBKIT_OUTPUT_DIR/big.bin\"");
    user.awaitStatus(job.id(), SUCCEEDED, Duration.ofSeconds(60));
    ResultManifest manifest =
        user.get("/api/v1/jobs/" + job.id() + "/results").expect(200).as(ResultManifest.class);
    String sha = manifest.files().get(0).sha256();
    String path = "/api/v1/jobs/" + job.id() + "/results/big.bin";

    HttpResponse<byte[]> whole = bytes(path);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).hasSize(1 << 20);
    assertThat(sha256(whole.body())).isEqualTo(sha);
    assertThat(whole.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
    assertThat(whole.headers().firstValue("Content-Type")).hasValue("application/octet-stream");

    HttpResponse<byte[]> tail = bytes(path, "Range", "bytes=1048000-");
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(whole.body(), 1048000, 1 << 20));
    assertThat(bytes(path, "If-None-Match", "\"" + sha + "\"").statusCode()).isEqualTo(304);
  }

  @Test
  void the_zip_holds_every_file_of_the_manifest() throws IOException {
    Job job = finished();

    HttpResponse<byte[]> zip = bytes("/api/v1/jobs/" + job.id() + "/results.zip");

    assertThat(zip.statusCode()).isEqualTo(200);
    assertThat(zip.headers().firstValue("Content-Type")).hasValue("application/zip");
    Map<String, String> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        entries.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(entries)
        .containsExactly(Map.entry("out.txt", "hello results"), Map.entry("sub/dir/data.csv", CSV));
  }

  @Test
  void paths_that_leave_the_output_dir_are_refused_and_never_read() {
    Job job = finished();
    String base = "/api/v1/jobs/" + job.id() + "/results/";

    for (String path :
        List.of(
            "sub/../out.txt",
            "sub/dir/../../../../../../etc/passwd",
            "/etc/passwd",
            "%2e%2e/%2e%2e/etc/passwd",
            "sub%2F..%2F..%2Fetc%2Fpasswd",
            "sub/./dir/data.csv",
            "a%5C..%5Cb",
            "evil",
            "up/out.txt",
            "up/output/out.txt")) {
      Api.Response answer = user.get(base + path);
      assertThat(answer.status()).as("status for %s: %s", path, answer.body()).isBetween(400, 499);
      assertThat(answer.body()).as(path).doesNotContain("root:").doesNotContain("hello results");
    }
    assertRefused(user.get(base + "sub/./dir/data.csv"), 400, "validation_failed", "path");
    assertRefused(user.get(base + "/etc/passwd"), 400, "validation_failed", "path");
    assertRefused(user.get(base + "evil"), 404, "not_found", null);
    assertThat(user.get(base + "evil").json().path("detail").asString()).contains("evil");
  }

  @Test
  void another_users_private_job_is_not_found() {
    Job job = finished();
    Api other = service.newUser("results-other", "parallel");

    for (String path : List.of("/results", "/results/out.txt", "/results.zip")) {
      assertRefused(other.get("/api/v1/jobs/" + job.id() + path), 404, "not_found", null);
    }
    assertRefused(user.get("/api/v1/jobs/job_nothing/results"), 404, "not_found", null);
  }

  @Test
  void before_the_end_the_files_as_they_are_without_checksums_then_the_final_manifest() {
    String gate = "results-running";
    Job job =
        user.submitShell(
            "printf 'so far' > \"$JOBKIT_OUTPUT_DIR/partial.txt\" && "
                + service.gates().script(gate));
    user.awaitStatus(job.id(), RUNNING);
    ResultManifest running = awaitWritten(job.id(), "partial.txt", 6);
    assertThat(running.complete()).isFalse();
    assertThat(running.files())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.path()).isEqualTo("partial.txt");
              assertThat(f.sha256()).isNull();
              assertThat(f.sizeBytes()).isEqualTo(6);
            });
    Api.Response file = user.get("/api/v1/jobs/" + job.id() + "/results/partial.txt").expect(200);
    assertThat(file.body()).isEqualTo("so far");
    assertThat(file.headers().firstValue("ETag")).isEmpty();

    service.gates().open(gate);
    user.awaitStatus(job.id(), SUCCEEDED, Duration.ofSeconds(60));

    ResultManifest ended =
        user.get("/api/v1/jobs/" + job.id() + "/results").expect(200).as(ResultManifest.class);
    assertThat(ended.complete()).isTrue();
    assertThat(ended.files().get(0).sha256())
        .isEqualTo(sha256("so far".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void a_canceled_job_has_its_partial_results() {
    String gate = "results-cancel";
    Job job =
        user.submitShell(
            "printf 'half' > \"$JOBKIT_OUTPUT_DIR/half.txt\" && " + service.gates().script(gate));
    user.awaitStatus(job.id(), RUNNING);
    awaitWritten(job.id(), "half.txt", 4);
    user.stopAndAwaitCanceled(job.id());
    assertThat(user.job(job.id()).status()).isEqualTo(CANCELED);

    ResultManifest manifest =
        user.get("/api/v1/jobs/" + job.id() + "/results").expect(200).as(ResultManifest.class);
    assertThat(manifest.complete()).isTrue();
    assertThat(manifest.files())
        .extracting(ResultFile::path, ResultFile::sha256)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "half.txt", sha256("half".getBytes(StandardCharsets.UTF_8))));
    service.gates().open(gate);
  }

  /**
   * A name no request can ask for (a backslash, a control character: a newline, an escape sequence
   * a terminal would run) is not a result: listed, it would break every download of the job and
   * reach terminals, zips and file systems as it is.
   */
  @Test
  void names_with_control_characters_or_backslashes_are_not_results() throws IOException {
    Job job =
        user.submitShell(
            "cd \"$JOBKIT_OUTPUT_DIR\" && printf ok > ok.txt"
                + " && printf x > \"$(printf 'new\\nline')\""
                + " && printf x > \"$(printf 'esc\\033[31mred')\""
                + " && printf x > \"$(printf 'csi\\302\\233m')\""
                + " && printf x > 'back\\slash'"
                + " && mkdir \"$(printf 'dir\\tab')\" && printf x > \"$(printf 'dir\\tab')/in\"");
    user.awaitStatus(job.id(), SUCCEEDED, Duration.ofSeconds(60));

    ResultManifest manifest =
        user.get("/api/v1/jobs/" + job.id() + "/results").expect(200).as(ResultManifest.class);

    assertThat(manifest.files()).extracting(ResultFile::path).containsExactly("ok.txt");
    List<String> zipped = new java.util.ArrayList<>();
    try (ZipInputStream zip =
        new ZipInputStream(
            new ByteArrayInputStream(bytes("/api/v1/jobs/" + job.id() + "/results.zip").body()))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        zipped.add(e.getName());
      }
    }
    assertThat(zipped).containsExactly("ok.txt");
  }

  /** A tree deeper than any result needs is walked to a limit, not until the stack overflows. */
  @Test
  void a_very_deep_tree_is_walked_to_its_limit() {
    Job job =
        user.submitShell(
            // 100 levels a mkdir: a process per level took over a minute on a loaded CI machine.
            "cd \"$JOBKIT_OUTPUT_DIR\" && printf ok > ok.txt"
                + " && mkdir -p \"$(printf 'b/%.0s' $(seq 1 100))\""
                + " && printf x > \"$(printf 'b/%.0s' $(seq 1 100))leaf\""
                + " && p=$(printf 'a/%.0s' $(seq 1 100))"
                + " && for i in $(seq 1 20); do mkdir -p \"$p\" && cd \"$p\" || exit 1; done"
                + " && printf y > leaf");
    user.awaitStatus(job.id(), SUCCEEDED, Duration.ofSeconds(60));

    ResultManifest manifest =
        user.get("/api/v1/jobs/" + job.id() + "/results").expect(200).as(ResultManifest.class);

    assertThat(manifest.files())
        .extracting(ResultFile::path)
        .containsExactly("b/".repeat(100) + "leaf", "ok.txt");
    user.get("/api/v1/jobs/" + job.id() + "/results.zip").expect(200);
  }

  /**
   * A job that still runs may swap a directory of its output for a symbolic link between the
   * listing and the read (here while the zip is on its way, held back by a slow reader): the
   * service, which may run as root, must not follow it to a file the job could not read itself.
   */
  @Test
  void a_directory_swapped_for_a_link_while_the_zip_is_sent_is_not_followed() throws Exception {
    Path outside = Files.createTempDirectory(Path.of("/var/tmp"), "results-outside-");
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path secret = Files.writeString(outside.resolve("secret"), "OUTSIDE");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    String gate = "results-swap";
    String done = "results-swap-done";
    Job job =
        user.submitShell(
            "cd \"$JOBKIT_OUTPUT_DIR\" && head -c 48000000 /dev/urandom > a.bin"
                + " && mkdir d && printf inside > d/secret && "
                + service.gates().script(gate)
                + " && mv d d.old && ln -s '"
                + outside
                + "' d && "
                + service.gates().script(done));
    try {
      user.awaitStatus(job.id(), RUNNING);
      awaitFiles(job.id(), 2);
      HttpResponse<InputStream> zip =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          service.server().baseUrl() + "/api/v1/jobs/" + job.id() + "/results.zip"))
                  .header("Authorization", "Bearer " + service.userKey())
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = zip.body()) {
        assertThat(zip.statusCode()).isEqualTo(200);
        byte[] start = in.readNBytes(4096); // the service is listing and sending a.bin
        service.gates().open(gate);
        awaitFiles(job.id(), 2, "d.old/secret");
        Map<String, String> entries = new LinkedHashMap<>();
        try (ZipInputStream unzip =
            new ZipInputStream(
                new java.io.SequenceInputStream(new ByteArrayInputStream(start), in))) {
          for (ZipEntry e; (e = unzip.getNextEntry()) != null; ) {
            entries.put(e.getName(), new String(unzip.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
        assertThat(entries).containsKey("a.bin");
        assertThat(entries.get("d/secret")).isNotEqualTo("OUTSIDE");
      }
    } finally {
      service.gates().open(gate);
      service.gates().open(done);
      user.awaitEnd(job.id());
      Files.deleteIfExists(secret);
      Files.deleteIfExists(outside);
    }
  }

  private ResultManifest awaitFiles(String jobId, int count, String path) {
    return awaitManifest(
        jobId,
        m -> m.files().size() >= count && m.files().stream().anyMatch(f -> f.path().equals(path)));
  }

  /**
   * The running manifest once it lists {@code path} at {@code size} bytes: a shell creates a file
   * before it writes it, and a job that is stopped in between leaves it empty.
   */
  private ResultManifest awaitWritten(String jobId, String path, long size) {
    return awaitManifest(
        jobId,
        m -> m.files().stream().anyMatch(f -> f.path().equals(path) && f.sizeBytes() == size));
  }

  private ResultManifest awaitFiles(String jobId, int count) {
    return awaitManifest(jobId, m -> m.files().size() >= count);
  }

  /** The job's manifest once {@code done} holds of it, or as it is after 60 s. */
  private ResultManifest awaitManifest(String jobId, Predicate<ResultManifest> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      ResultManifest m =
          user.get("/api/v1/jobs/" + jobId + "/results").expect(200).as(ResultManifest.class);
      if (done.test(m) || System.nanoTime() > deadline) {
        return m;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return m;
      }
    }
  }

  private HttpResponse<byte[]> bytes(String path, String... headers) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(service.server().baseUrl() + path))
              .header("Authorization", "Bearer " + service.userKey());
      for (int i = 0; i + 1 < headers.length; i += 2) {
        request.header(headers[i], headers[i + 1]);
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
