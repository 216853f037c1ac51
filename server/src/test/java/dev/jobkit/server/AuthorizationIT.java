package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what: a job's owner and admins everything; another user reads a {@code PUBLIC} job but
 * may not change it (403), and does not learn that a {@code PRIVATE} one exists (404). Keys by
 * {@code Authorization: Bearer} or {@code X-Api-Key}; only admins manage users and keys.
 */
class AuthorizationIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitServer server;
  static Api owner;
  static Api other;
  static Api admin;

  @BeforeAll
  static void start() {
    server = service.server();
    admin = service.admin();
    owner = service.user();
    other = service.newUser("oscar", "parallel");
  }

  enum Who {
    OWNER,
    OTHER,
    ADMIN;

    Api api() {
      return switch (this) {
        case OWNER -> owner;
        case OTHER -> other;
        case ADMIN -> admin;
      };
    }
  }

  enum Outcome {
    ALLOWED,
    NOT_FOUND,
    FORBIDDEN
  }

  /** An operation on one job of the owner's, prepared for it (ended, or still running). */
  enum Operation {
    GET(false),
    LOG(false),
    EVENTS(false),
    PATCH(false),
    STOP(true),
    DELETE(false);

    final boolean needsRunningJob;

    Operation(boolean needsRunningJob) {
      this.needsRunningJob = needsRunningJob;
    }

    Api.Response apply(Api api, String id) {
      return switch (this) {
        case GET -> api.get("/api/v1/jobs/" + id);
        case LOG -> api.get("/api/v1/jobs/" + id + "/log", "Accept", "application/json");
        case EVENTS -> api.get("/api/v1/jobs/" + id + "/events");
        case PATCH -> api.patch("/api/v1/jobs/" + id, "{\"priority\":8}");
        case STOP -> api.post("/api/v1/jobs/" + id + "/stop", null);
        case DELETE -> api.delete("/api/v1/jobs/" + id);
      };
    }
  }

  static Stream<Arguments> matrix() {
    List<Arguments> rows = new ArrayList<>();
    for (Operation op : Operation.values()) {
      boolean read = op == Operation.GET || op == Operation.LOG || op == Operation.EVENTS;
      rows.add(Arguments.of(op, Who.OWNER, Accessibility.PRIVATE, Outcome.ALLOWED));
      rows.add(Arguments.of(op, Who.OWNER, Accessibility.PUBLIC, Outcome.ALLOWED));
      rows.add(Arguments.of(op, Who.ADMIN, Accessibility.PRIVATE, Outcome.ALLOWED));
      rows.add(Arguments.of(op, Who.ADMIN, Accessibility.PUBLIC, Outcome.ALLOWED));
      rows.add(Arguments.of(op, Who.OTHER, Accessibility.PRIVATE, Outcome.NOT_FOUND));
      rows.add(
          Arguments.of(
              op, Who.OTHER, Accessibility.PUBLIC, read ? Outcome.ALLOWED : Outcome.FORBIDDEN));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} by {1} of a {2} job: {3}")
  @MethodSource("matrix")
  void who_may_read_and_change_a_job(
      Operation op, Who who, Accessibility accessibility, Outcome expected) {
    String id = ownersJob(accessibility, op.needsRunningJob);
    try {
      Api.Response response = op.apply(who.api(), id);

      switch (expected) {
        case ALLOWED -> {
          assertThat(response.status()).as(response.body()).isBetween(200, 299);
          assertEffect(op, id, response);
        }
        case NOT_FOUND -> {
          assertProblem(response, 404, "not_found");
          assertThat(response.body()).doesNotContain(owner.name());
          assertUnchanged(id, op);
        }
        case FORBIDDEN -> {
          assertProblem(response, 403, "forbidden");
          assertUnchanged(id, op);
        }
      }
    } finally {
      owner.post("/api/v1/jobs/" + id + "/stop", null); // whatever state it is in
    }
  }

  @Test
  void another_users_private_jobs_are_never_listed_and_public_ones_are() {
    String privateJob = ownersJob(Accessibility.PRIVATE, false);
    String publicJob = ownersJob(Accessibility.PUBLIC, false);

    assertThat(listed(other, "")).contains(publicJob).doesNotContain(privateJob);
    assertThat(listed(other, "&owner=" + owner.name()))
        .contains(publicJob)
        .doesNotContain(privateJob);
    assertThat(listed(other, "&name=private")).doesNotContain(privateJob);
    assertThat(listed(owner, "")).contains(publicJob, privateJob);
    assertThat(listed(admin, "&owner=" + owner.name())).contains(publicJob, privateJob);
  }

  @Test
  void a_private_job_of_another_user_answers_like_a_job_that_does_not_exist() {
    String privateJob = ownersJob(Accessibility.PRIVATE, false);

    Api.Response hidden = other.get("/api/v1/jobs/" + privateJob);
    Api.Response missing = other.get("/api/v1/jobs/job_00000000000000000000000000");

    assertProblem(hidden, 404, "not_found");
    assertProblem(missing, 404, "not_found");
    assertThat(hidden.json().get("title").asString())
        .isEqualTo(missing.json().get("title").asString());
  }

  @Test
  void a_request_without_a_key_is_unauthorized() {
    Api.Response response = server.anonymous().get("/api/v1/jobs");

    assertProblem(response, 401, "unauthorized");
  }

  @ParameterizedTest(name = "key ''{0}''")
  @ValueSource(
      strings = {
        "jk_not_a_key",
        "Bearer",
        " ",
        "jk_0123456789abcdef0123456789abcdef0123456789abcdef"
      })
  void a_request_with_a_wrong_key_is_unauthorized(String key) {
    Api.Response bearer =
        server.anonymous().get("/api/v1/me", "Authorization", "Bearer " + key.strip());
    Api.Response header = server.anonymous().get("/api/v1/me", "X-Api-Key", key);

    assertProblem(bearer, 401, "unauthorized");
    assertProblem(header, 401, "unauthorized");
  }

  @Test
  void a_wrong_key_cannot_submit_a_job() {
    // Named uniquely: other classes submit jobs on the shared service meanwhile.
    String name = service.userName() + "-wrong-key";

    Api.Response response =
        server
            .withKey("jk_not_a_key")
            .post("/api/v1/jobs", "{\"command\":[\"true\"],\"display_name\":\"" + name + "\"}");

    assertProblem(response, 401, "unauthorized");
    assertThat(listed(admin, "&name=" + name)).isEmpty();
  }

  @Test
  void the_key_works_in_an_x_api_key_header_as_well_as_as_a_bearer_token() {
    String key = newKey(owner.name());

    Api.Response byHeader = server.anonymous().get("/api/v1/me", "X-Api-Key", key);
    Api.Response byBearer = server.withKey(key).get("/api/v1/me");

    assertThat(byHeader.expect(200).json().get("name").asString()).isEqualTo(owner.name());
    assertThat(byBearer.expect(200).json().get("name").asString()).isEqualTo(owner.name());
  }

  @Test
  void me_answers_the_callers_name_role_and_scheduling_mode() {
    JsonNode me = owner.get("/api/v1/me").expect(200).json();
    JsonNode adminMe = admin.get("/api/v1/me").expect(200).json();

    assertThat(me.get("name").asString()).isEqualTo(owner.name());
    assertThat(me.get("role").asString()).isEqualTo("user");
    assertThat(me.get("scheduling_mode").asString()).isEqualTo("parallel");
    assertThat(adminMe.get("name").asString()).isEqualTo("admin");
    assertThat(adminMe.get("role").asString()).isEqualTo("admin");
  }

  @Test
  void a_user_who_is_not_an_admin_cannot_create_users_or_keys() {
    String sneaky = service.userName() + "-sneaky";
    Api.Response newUser =
        owner.post(
            "/api/v1/users", "{\"name\":\"" + sneaky + "\",\"scheduling_mode\":\"parallel\"}");
    Api.Response ownKey = owner.post("/api/v1/users/" + owner.name() + "/keys", "");
    Api.Response othersKey = owner.post("/api/v1/users/" + other.name() + "/keys", "");
    Api.Response adminKey = owner.post("/api/v1/users/admin/keys", "");
    Api.Response userList = owner.get("/api/v1/users");

    for (Api.Response refused : List.of(newUser, ownKey, othersKey, adminKey, userList)) {
      assertProblem(refused, 403, "forbidden");
    }
    assertThat(admin.get("/api/v1/users").expect(200).body()).doesNotContain(sneaky);
  }

  @Test
  void an_admin_creates_a_user_and_a_key_that_is_shown_once_and_works() {
    String newcomer = service.userName() + "-newcomer";
    JsonNode user =
        admin
            .post("/api/v1/users", "{\"name\":\"" + newcomer + "\",\"scheduling_mode\":\"serial\"}")
            .expect(201)
            .json();
    assertThat(user.get("name").asString()).isEqualTo(newcomer);
    assertThat(user.get("role").asString()).isEqualTo("user");

    JsonNode created = admin.post("/api/v1/users/" + newcomer + "/keys", "").expect(201).json();
    String key = created.get("key").asString();

    assertThat(key).isNotBlank();
    assertThat(created.get("user").asString()).isEqualTo(newcomer);
    JsonNode me = server.withKey(key).get("/api/v1/me").expect(200).json();
    assertThat(me.get("name").asString()).isEqualTo(newcomer);
    assertThat(me.get("scheduling_mode").asString()).isEqualTo("serial");
    assertThat(admin.get("/api/v1/users").expect(200).body()).doesNotContain(key);
    assertThat(server.withKey(key).get("/api/v1/me").body()).doesNotContain(key);
    String second =
        admin
            .post("/api/v1/users/" + newcomer + "/keys", "")
            .expect(201)
            .json()
            .get("key")
            .asString();
    assertThat(second).isNotEqualTo(key);
    server.withKey(key).get("/api/v1/me").expect(200);
  }

  @Test
  void an_admin_cannot_make_a_key_for_a_user_who_does_not_exist() {
    assertProblem(
        admin.post("/api/v1/users/" + service.userName() + "-nobody/keys", ""), 404, "not_found");
  }

  // ---- helpers ----

  /** A job of the owner's: ended, or (for a stop) still running. */
  private static String ownersJob(Accessibility accessibility, boolean running) {
    String spec =
        running
            ? "{\"shell\":\"sleep 60\",\"display_name\":\"%s\",\"accessibility\":\"%s\"}"
            : "{\"command\":[\"true\"],\"display_name\":\"%s\",\"accessibility\":\"%s\"}";
    String name = accessibility.name().toLowerCase(java.util.Locale.ROOT) + "-job";
    Job job = owner.submit(spec.formatted(name, accessibility));
    if (running) {
      owner.awaitStatus(job.id(), JobStatus.RUNNING);
    } else {
      owner.awaitEnd(job.id());
    }
    return job.id();
  }

  private static void assertEffect(Operation op, String id, Api.Response response) {
    switch (op) {
      case GET -> assertThat(response.json().get("id").asString()).isEqualTo(id);
      case LOG -> assertThat(response.json().get("job_id").asString()).isEqualTo(id);
      case EVENTS -> assertThat(response.json().size()).isGreaterThanOrEqualTo(3);
      case PATCH -> assertThat(admin.job(id).priority()).isEqualTo(8);
      case STOP -> assertThat(admin.awaitEnd(id).status()).isEqualTo(JobStatus.CANCELED);
      case DELETE -> assertProblem(admin.get("/api/v1/jobs/" + id), 404, "not_found");
    }
  }

  private static void assertUnchanged(String id, Operation op) {
    Job job = admin.job(id);
    assertThat(job.priority()).isEqualTo(5);
    if (op == Operation.STOP) {
      assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
    }
  }

  private static void assertProblem(Api.Response response, int status, String code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.json().get("code").asString()).isEqualTo(code);
  }

  /** Every job {@code api} lists, to the last page: other classes' public jobs may be many. */
  private static List<String> listed(Api api, String filters) {
    return api.listAll("limit=1000" + filters).stream().map(Job::id).toList();
  }

  private static String newKey(String user) {
    return admin
        .post("/api/v1/users/" + user + "/keys", "")
        .expect(201)
        .json()
        .get("key")
        .asString();
  }
}
