package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.ChecksumMismatchException;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.data.Dataset;
import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.sdk.data.StoredFile;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.store.DataStore;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets, models and results through the SDK: upload and register, read back checked against the
 * record, delete; models and results read-only, each user seeing only their own.
 */
class SdkDataIT {

  private static final Path ROOT = tempDir("jobkit-sdk-dataset-root");

  /** A service of its own: it has a dataset root. */
  @RegisterExtension
  static final JobkitService service = JobkitService.own("--jobkit.datasets.roots=" + ROOT);

  private static final String CSV = "g1,g2,t1\n1,2,3\n4,5,6\n";

  static JobkitClient user;
  static JobkitClient other;

  @TempDir Path local;

  @BeforeAll
  static void start() {
    user = service.client(service.userKey());
    other = service.client(service.newUser("sdkdata-other", "parallel").key());
  }

  private static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix).toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void an_uploaded_file_is_listed_read_back_checked_and_deleted() throws Exception {
    Path file = Files.writeString(local.resolve("genes.csv"), CSV);

    Dataset made = user.datasets().upload(file);

    assertThat(made.id()).startsWith("ds_");
    assertThat(made.name()).isEqualTo("genes.csv");
    assertThat(made.source()).isEqualTo("upload");
    assertThat(made.sizeBytes()).isEqualTo(CSV.length());
    assertThat(made.sha256()).isEqualTo(sha256(CSV.getBytes(StandardCharsets.UTF_8)));
    assertThat(made.rows()).isEqualTo(2);
    assertThat(made.columns()).isEqualTo(3);
    assertThat(user.datasets().get(made.id())).isEqualTo(made);
    assertThat(user.datasets().list()).contains(made);
    assertThat(other.datasets().list()).doesNotContain(made);
    assertThatThrownBy(() -> other.datasets().get(made.id())).isInstanceOf(NotFoundException.class);

    Path copy = local.resolve("copy.csv");
    assertThat(user.datasets().download(made.id(), copy)).isEqualTo(made);
    assertThat(Files.readString(copy)).isEqualTo(CSV);
    try (InputStream in = user.datasets().open(made.id())) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(CSV);
    }

    user.datasets().delete(made.id());
    assertThatThrownBy(() -> user.datasets().get(made.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> user.datasets().open(made.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> user.datasets().delete(made.id()))
        .isInstanceOf(NotFoundException.class);
    assertThat(user.datasets().list()).doesNotContain(made);
  }

  @Test
  void bytes_and_streams_upload_under_their_name_and_bad_uploads_name_the_field() {
    byte[] bytes = "1,2\n3,4\n".getBytes(StandardCharsets.UTF_8);
    Dataset fromBytes = user.datasets().upload("from bytes", bytes);
    Dataset fromStream = user.datasets().upload("from a stream", new ByteArrayInputStream(bytes));

    assertThat(fromBytes.name()).isEqualTo("from bytes");
    assertThat(fromStream.name()).isEqualTo("from a stream");
    assertThat(fromStream.sha256()).isEqualTo(fromBytes.sha256());
    assertThat(fromBytes.rows()).isEqualTo(2);

    assertThatThrownBy(() -> user.datasets().upload("empty", new byte[0]))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.errors()).anyMatch(f -> f.field().equals("body")));
    assertThatThrownBy(() -> user.datasets().upload("bad\nname", bytes))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.errors()).anyMatch(f -> f.field().equals("name")));
    assertThatThrownBy(() -> user.datasets().upload(local.resolve("missing.csv")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("missing.csv");
  }

  @Test
  void a_registered_file_that_changed_since_fails_its_checksum_and_leaves_the_target_alone()
      throws Exception {
    Path file = Files.writeString(ROOT.resolve("reg-" + UUID.randomUUID() + ".csv"), CSV);

    Dataset registered = user.datasets().register(null, file.toString());

    assertThat(registered.source()).isEqualTo("path");
    assertThat(registered.path()).isEqualTo(file.toString());
    assertThat(registered.name()).isEqualTo(file.getFileName().toString());
    Path copy = local.resolve("registered.csv");
    user.datasets().download(registered.id(), copy);
    assertThat(Files.readString(copy)).isEqualTo(CSV);

    Files.writeString(file, CSV.replace("6", "7"));
    assertThatThrownBy(() -> user.datasets().download(registered.id(), copy))
        .isInstanceOfSatisfying(
            ChecksumMismatchException.class,
            e -> {
              assertThat(e.expectedSha256()).isEqualTo(registered.sha256());
              assertThat(e.actualSha256()).isNotEqualTo(registered.sha256());
              assertThat(e.getMessage()).contains("changed since it was registered");
            });
    assertThat(Files.readString(copy)).isEqualTo(CSV);
    try (Stream<Path> left = Files.list(local)) {
      assertThat(left).noneMatch(p -> p.toString().endsWith(".part"));
    }

    user.datasets().delete(registered.id());
    assertThat(file).exists(); // a registered file is not the service's to delete
  }

  @Test
  void registering_outside_the_roots_or_a_relative_path_is_refused_naming_the_path() {
    assertThatThrownBy(() -> user.datasets().register("x", "relative.csv"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.errors()).anyMatch(f -> f.field().equals("path")));
    assertThatThrownBy(() -> user.datasets().register("x", "/etc/hostname"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.errors())
                    .anyMatch(
                        f ->
                            f.field().equals("path")
                                && f.reason().contains("not under a dataset root")));
  }

  @Test
  void models_and_results_are_listed_by_job_and_read_by_their_owner_only() {
    assertThat(other.models().list()).isEmpty();
    assertThat(other.results().list()).isEmpty();
    assertThatThrownBy(() -> user.models().get("model_nothing"))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> user.results().get("result_nothing"))
        .isInstanceOf(NotFoundException.class);

    // No train app in this service: the records are stored as the train and predict apps do.
    Api api = service.user();
    Job job = api.submitShell("true");
    api.awaitStatus(job.id(), SUCCEEDED, Duration.ofSeconds(60));
    assertThat(user.models().list(job.id())).isEmpty();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    StoredFile file = new StoredFile("/data/model.json", 12, "a".repeat(64));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Model model =
        new Model(
            "model_" + suffix,
            job.id(),
            service.userName(),
            "train",
            List.of(file),
            Map.of("loss", 0.25),
            Map.of("gene_size", 4),
            now);
    Result result =
        new Result(
            "result_" + suffix,
            job.id(),
            service.userName(),
            "predict",
            model.id(),
            List.of(file),
            Map.of(),
            Map.of("model_id", model.id()),
            now);
    DataStore store = service.server().bean(DataStore.class);
    store.addModel(model);
    store.addResult(result);

    assertThat(user.models().get(model.id())).isEqualTo(model);
    assertThat(user.models().list(job.id())).containsExactly(model);
    assertThat(user.models().list()).contains(model);
    assertThat(user.results().get(result.id())).isEqualTo(result);
    assertThat(user.results().list(job.id())).containsExactly(result);
    assertThat(user.results().list()).contains(result);
    assertThat(other.models().list()).isEmpty();
    assertThat(other.results().list(job.id())).isEmpty();
    assertThatThrownBy(() -> other.models().get(model.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> other.results().get(result.id()))
        .isInstanceOf(NotFoundException.class);
  }
}
