package dev.jobkit.server;

import static dev.jobkit.server.support.Problems.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Datasets: uploaded (kept private under the data dir, with size, SHA-256 and CSV shape) or
 * registered in place under a configured root; each user sees only their own, an admin all.
 */
class DatasetsIT {

  private static final Path ROOT = tempDir("jobkit-dataset-root");
  private static final Path OUTSIDE = tempDir("jobkit-dataset-outside");

  /** A service of its own: it has a dataset root and an upload limit of 4 KB. */
  @RegisterExtension
  static final JobkitService service =
      JobkitService.own("--jobkit.datasets.roots=" + ROOT, "--jobkit.datasets.max-size=4KB");

  private static final String CSV = "g1,g2,t1\n1,2,3\n4,5,6\n7,8,9\n";

  private final Api user = service.user();
  private final Api admin = service.admin();

  private static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix).toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static Api.Response upload(Api api, String name, String body) {
    return api.send("POST", "/api/v1/datasets?name=" + name, body, "Content-Type", "text/csv");
  }

  @Test
  void an_upload_is_kept_private_with_its_size_checksum_and_shape_and_is_deleted_with_its_file()
      throws Exception {
    JsonNode made = upload(user, "genes", CSV).expect(201).json();

    String id = made.get("id").asString();
    assertThat(id).startsWith("ds_");
    assertThat(made.get("name").asString()).isEqualTo("genes");
    assertThat(made.get("owner").asString()).isEqualTo(service.userName());
    assertThat(made.get("source").asString()).isEqualTo("upload");
    assertThat(made.get("path").isNull()).isTrue();
    assertThat(made.get("size_bytes").asLong()).isEqualTo(CSV.length());
    assertThat(made.get("sha256").asString()).isEqualTo(sha256(CSV));
    assertThat(made.get("rows").asLong()).isEqualTo(3);
    assertThat(made.get("columns").asInt()).isEqualTo(3);
    Path stored = service.server().dataDir().resolve("datasets").resolve(id);
    assertThat(Files.readString(stored)).isEqualTo(CSV);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stored)))
        .isEqualTo("rw-------");
    assertThat(user.get("/api/v1/datasets/" + id).expect(200).json()).isEqualTo(made);
    assertThat(user.get("/api/v1/datasets/" + id + "/content").expect(200).body()).isEqualTo(CSV);
    assertThat(user.get("/api/v1/datasets").expect(200).json().get("items"))
        .extracting(d -> d.get("id").asString())
        .contains(id);

    user.delete("/api/v1/datasets/" + id).expect(204);

    assertThat(stored).doesNotExist();
    assertRefused(user.get("/api/v1/datasets/" + id), 404, "not_found", null);
    assertRefused(user.delete("/api/v1/datasets/" + id), 404, "not_found", null);
  }

  @Test
  void a_file_that_is_not_a_table_has_no_shape() {
    JsonNode made = upload(user, "ragged", "a,b\n1\n").expect(201).json();

    assertThat(made.get("rows").isNull()).isTrue();
    assertThat(made.get("columns").isNull()).isTrue();
  }

  @Test
  void another_user_sees_none_of_them_and_an_admin_sees_all() {
    String id = upload(user, "mine", CSV).expect(201).json().get("id").asString();
    Api other = service.newUser("other", "parallel");

    assertThat(other.get("/api/v1/datasets").expect(200).json().get("items")).isEmpty();
    assertRefused(other.get("/api/v1/datasets/" + id), 404, "not_found", null);
    assertRefused(other.get("/api/v1/datasets/" + id + "/content"), 404, "not_found", null);
    assertRefused(other.delete("/api/v1/datasets/" + id), 404, "not_found", null);
    assertThat(admin.get("/api/v1/datasets").expect(200).json().get("items"))
        .extracting(d -> d.get("id").asString())
        .contains(id);
    user.get("/api/v1/datasets/" + id).expect(200);
  }

  @Test
  void a_file_under_a_root_is_registered_in_place_and_stays_when_its_record_is_deleted()
      throws Exception {
    Path file = Files.writeString(ROOT.resolve("in-place.csv"), CSV);

    JsonNode made =
        user.post("/api/v1/datasets", "{\"path\": \"" + file + "\"}").expect(201).json();

    assertThat(made.get("source").asString()).isEqualTo("path");
    assertThat(made.get("path").asString()).isEqualTo(file.toString());
    assertThat(made.get("name").asString()).isEqualTo("in-place.csv");
    assertThat(made.get("sha256").asString()).isEqualTo(sha256(CSV));
    assertThat(made.get("rows").asLong()).isEqualTo(3);
    user.delete("/api/v1/datasets/" + made.get("id").asString()).expect(204);
    assertThat(file).exists();
  }

  @Test
  void every_bad_dataset_is_a_4xx_naming_what_is_wrong() throws Exception {
    Path outside = Files.writeString(OUTSIDE.resolve("secret.csv"), CSV);
    Path link = ROOT.resolve("link.csv");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, outside);

    assertRefused(
        user.send("POST", "/api/v1/datasets", CSV, "Content-Type", "text/csv"),
        400,
        "validation_failed",
        "name");
    assertRefused(upload(user, "empty", ""), 400, "validation_failed", "body");
    assertRefused(upload(user, "big", "1,2\n".repeat(2000)), 413, "payload_too_large", null);
    assertRefused(
        user.post("/api/v1/datasets", "{\"path\": \"relative.csv\"}"),
        400,
        "validation_failed",
        "path");
    assertRefused(
        user.post("/api/v1/datasets", "{\"path\": \"" + outside + "\"}"),
        400,
        "validation_failed",
        "path");
    assertRefused(
        user.post("/api/v1/datasets", "{\"path\": \"" + link + "\"}"),
        400,
        "validation_failed",
        "path");
    assertRefused(
        user.post("/api/v1/datasets", "{\"path\": \"" + ROOT.resolve("missing.csv") + "\"}"),
        400,
        "validation_failed",
        "path");
    assertRefused(
        user.post("/api/v1/datasets", "{\"path\": \"" + ROOT + "\"}"),
        400,
        "validation_failed",
        "path");
    assertRefused(user.post("/api/v1/datasets", "{}"), 400, "validation_failed", "path");
    // No file system path holds a NUL (the fuzz found the 500 it used to be).
    assertRefused(
        user.post("/api/v1/datasets", "{\"path\": \"/a\\u0000b\"}"),
        400,
        "validation_failed",
        "path");
    assertThat(
            user.send(
                    "POST",
                    "/api/v1/datasets?name=x",
                    CSV,
                    "Content-Type",
                    "application/x-www-form-urlencoded")
                .status())
        .isEqualTo(415);
    assertThat(user.get("/api/v1/datasets").expect(200).json().get("items"))
        .extracting(d -> d.get("name").asString())
        .doesNotContain("empty", "big", "x");
  }
}
