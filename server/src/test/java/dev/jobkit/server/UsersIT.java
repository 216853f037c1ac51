package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The admin key (configured, or generated once into {@code <data-dir>/credentials} with mode 0600)
 * and the users an admin creates. A first start needs a data dir no service has used yet, so the
 * tests of one start a service of their own on a temporary one.
 */
class UsersIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private final Api admin = service.admin();

  @Test
  void the_first_start_without_a_configured_key_writes_an_admin_key_only_its_owner_can_read(
      @TempDir Path dataDir) throws IOException {
    assumeTrue(System.getenv("JOBKIT_ADMIN_KEY") == null, "JOBKIT_ADMIN_KEY is set here");

    try (JobkitServer fresh = JobkitServer.startWithoutAdminKey(dataDir)) {
      Path credentials = dataDir.resolve("credentials");

      assertThat(credentials).isRegularFile();
      assertThat(Files.getPosixFilePermissions(credentials))
          .as(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)))
          .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      String key = adminKeyIn(credentials);
      assertThat(key).isNotBlank();
      JsonNode me = fresh.withKey(key).get("/api/v1/me").expect(200).json();
      assertThat(me.get("name").asString()).isEqualTo("admin");
      assertThat(me.get("role").asString()).isEqualTo("admin");
      fresh.withKey(key).post("/api/v1/users", "{\"name\":\"first\"}").expect(201);
    }
  }

  @Test
  void a_restart_on_the_same_data_dir_keeps_the_generated_key_and_the_users(@TempDir Path dataDir)
      throws IOException {
    assumeTrue(System.getenv("JOBKIT_ADMIN_KEY") == null, "JOBKIT_ADMIN_KEY is set here");

    try (JobkitServer service = JobkitServer.startWithoutAdminKey(dataDir)) {
      Path credentials = dataDir.resolve("credentials");
      String before = Files.readString(credentials);
      String key = adminKeyIn(credentials);
      service.withKey(key).post("/api/v1/users", "{\"name\":\"stays\"}").expect(201);
      String userKey =
          service
              .withKey(key)
              .post("/api/v1/users/stays/keys", "")
              .expect(201)
              .json()
              .get("key")
              .asString();

      service.restart();

      assertThat(Files.readString(credentials)).isEqualTo(before);
      assertThat(Files.getPosixFilePermissions(credentials))
          .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      assertThat(service.withKey(key).get("/api/v1/me").expect(200).json().get("role").asString())
          .isEqualTo("admin");
      assertThat(
              service.withKey(userKey).get("/api/v1/me").expect(200).json().get("name").asString())
          .isEqualTo("stays");
    }
  }

  @Test
  void a_configured_admin_key_authenticates_as_admin_and_no_key_is_generated() {
    JsonNode me = admin.get("/api/v1/me").expect(200).json();

    assertThat(me.get("name").asString()).isEqualTo("admin");
    assertThat(me.get("role").asString()).isEqualTo("admin");
    assertThat(service.server().dataDir().resolve("credentials")).doesNotExist();
  }

  @Test
  void a_key_configured_on_the_command_line_works(@TempDir Path dataDir) {
    String key = "jk_configured_on_the_command_line_0123456789";
    // Started "without" the harness's key, so that the only key configured is this one.
    try (JobkitServer configured =
        JobkitServer.startWithoutAdminKey(dataDir, "--jobkit.auth.admin-key=" + key)) {
      JsonNode me = configured.withKey(key).get("/api/v1/me").expect(200).json();

      assertThat(me.get("role").asString()).isEqualTo("admin");
      assertThat(configured.withKey(key + "x").get("/api/v1/me").status()).isEqualTo(401);
      assertThat(dataDir.resolve("credentials")).doesNotExist();
    }
  }

  @Test
  void a_user_name_that_is_taken_is_a_conflict() {
    // Unique: the service is shared with other classes, and it keeps its users.
    String twice = "{\"name\":\"twice-" + UUID.randomUUID().toString().substring(0, 8) + "\"}";
    admin.post("/api/v1/users", twice).expect(201);

    Api.Response again = admin.post("/api/v1/users", twice);
    Api.Response theAdmin = admin.post("/api/v1/users", "{\"name\":\"admin\"}");

    for (Api.Response conflict : java.util.List.of(again, theAdmin)) {
      assertThat(conflict.status()).as(conflict.body()).isEqualTo(409);
      assertThat(conflict.contentType()).startsWith("application/problem+json");
      assertThat(conflict.json().get("code").asString()).isEqualTo("conflict");
    }
    assertThat(admin.get("/api/v1/me").expect(200).json().get("role").asString())
        .isEqualTo("admin");
  }

  @ParameterizedTest(name = "name ''{0}''")
  @ValueSource(
      strings = {
        "",
        "   ",
        "has space",
        "a/b",
        "../admin",
        "ümlaut",
        "semi;colon",
        "a-name-that-is-far-too-long-for-any-user-0123456789012345678901234"
      })
  void an_invalid_user_name_is_refused_naming_the_field(String name) {
    Api.Response response =
        admin.post("/api/v1/users", "{\"name\":" + Api.JSON.writeValueAsString(name) + "}");

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.get("code").asString()).isEqualTo("validation_failed");
    assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("name");
    assertThat(admin.get("/api/v1/users").expect(200).json())
        .extracting(u -> u.get("name").asString())
        .doesNotContain(name);
  }

  @Test
  void a_new_user_without_a_name_is_refused_naming_the_field() {
    Api.Response response = admin.post("/api/v1/users", "{\"scheduling_mode\":\"serial\"}");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("name");
  }

  private static String adminKeyIn(Path credentials) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(credentials)) {
      properties.load(reader);
    }
    return properties.getProperty("admin_key");
  }
}
