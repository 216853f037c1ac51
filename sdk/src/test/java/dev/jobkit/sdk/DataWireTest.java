package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.ScriptedServer.Answer;
import dev.jobkit.sdk.data.Dataset;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code datasets()} sends and checks, against a local server: the bytes as they are, an
 * upload never repeated, a download written only when it matches the record.
 */
class DataWireTest {

  private static final String CONTENT = "g1,t1\n1,2\n";

  @TempDir Path dir;

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String record(String sha, long size) {
    return "{\"id\":\"ds_1\",\"name\":\"genes\",\"owner\":\"u\",\"source\":\"upload\",\"size_bytes\":"
        + size
        + ",\"sha256\":\""
        + sha
        + "\",\"rows\":1,\"columns\":2,\"created_at\":\"2026-12-03T04:00:00Z\"}";
  }

  private static JobkitClient client(ScriptedServer server) {
    return JobkitClient.builder()
        .baseUrl(server.url())
        .apiKey("jk_test")
        .retry(RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO))
        .sleeper(d -> {})
        .build();
  }

  @Test
  void an_upload_sends_the_bytes_as_they_are_and_is_not_repeated_after_a_503() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(201, record(sha256(CONTENT), CONTENT.length())),
                Answer.problem(503, "unavailable"));
        JobkitClient client = client(server)) {
      Dataset made = client.datasets().upload("genes", CONTENT.getBytes(StandardCharsets.UTF_8));

      assertThat(made.id()).isEqualTo("ds_1");
      var sent = server.received().get(0);
      assertThat(sent.method()).isEqualTo("POST");
      assertThat(sent.path()).isEqualTo("/api/v1/datasets?name=genes");
      assertThat(sent.header("Content-Type")).isEqualTo("application/octet-stream");
      assertThat(sent.body()).isEqualTo(CONTENT); // not a JSON string of base64

      assertThatThrownBy(() -> client.datasets().upload("again", new byte[] {1}))
          .isInstanceOf(ServerException.class);
      assertThat(server.received()).hasSize(2); // the 503 was not retried: no second dataset
    }
  }

  @Test
  void a_registration_is_json_and_a_read_is_retried() throws Exception {
    String record = record(sha256(CONTENT), CONTENT.length());
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(201, record),
                Answer.problem(503, "unavailable"),
                Answer.json(200, "{\"items\":[" + record + "]}"));
        JobkitClient client = client(server)) {
      client.datasets().register(null, "/srv/data/genes.csv");
      assertThat(server.received().get(0).header("Content-Type")).isEqualTo("application/json");
      assertThat(server.received().get(0).body()).startsWith("{\"path\":\"/srv/data/genes.csv\"");

      assertThat(client.datasets().list()).extracting(Dataset::id).containsExactly("ds_1");
      assertThat(server.received()).hasSize(3);
    }
  }

  @Test
  void bytes_that_differ_from_the_record_fail_the_download_and_leave_the_target_alone()
      throws Exception {
    Path target = Files.writeString(dir.resolve("genes.csv"), "before");
    String recorded = sha256(CONTENT);
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(200, record(recorded, CONTENT.length())),
                new Answer(200, Map.of(), CONTENT.replace('2', '3')));
        JobkitClient client = client(server)) {
      assertThatThrownBy(() -> client.datasets().download("ds_1", target))
          .isInstanceOfSatisfying(
              ChecksumMismatchException.class,
              e -> {
                assertThat(e.expectedSha256()).isEqualTo(recorded);
                assertThat(e.actualSha256()).isNotEqualTo(recorded);
                assertThat(e.isRetryable()).isFalse();
              });
      assertThat(Files.readString(target)).isEqualTo("before");
      try (Stream<Path> left = Files.list(dir)) {
        assertThat(left).containsExactly(target); // no partial file left behind
      }
    }
  }

  @Test
  void a_stream_that_matches_reads_to_its_end_and_a_missing_dataset_is_not_found()
      throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(200, record(sha256(CONTENT), CONTENT.length())),
                new Answer(200, Map.of(), CONTENT),
                Answer.problem(404, "not_found"));
        JobkitClient client = client(server)) {
      try (InputStream in = client.datasets().open("ds_1")) {
        assertThat(in.skip(3)).isEqualTo(3);
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo(CONTENT.substring(3));
      }
      assertThat(server.received().get(1).path()).isEqualTo("/api/v1/datasets/ds_1/content");
      assertThatThrownBy(() -> client.datasets().open("ds_2"))
          .isInstanceOf(NotFoundException.class);
    }
  }
}
