package dev.jobkit.server;

import static dev.jobkit.server.support.Problems.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every error is a problem document ({@code application/problem+json} with a {@code code}), also
 * for what Tomcat refuses before the application sees it (an encoded {@code /} or NUL in a path, a
 * request line or header over the size limit), paths that serve nothing and query strings that do
 * not decode; every 401 says how to authenticate; a key claims only the actor kinds its role may.
 */
class ProblemAnswersIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitServer server;
  static Api user;
  static Api worker;

  @BeforeAll
  static void start() {
    server = service.server();
    user = service.user();
    // A worker is made by the admin with a role, which JobkitService.newUser does not give; the
    // name is the class user's, so it is unique on the shared service too.
    String robot = service.userName() + "-robot";
    Api admin = service.admin();
    admin.post("/api/v1/users", "{\"name\":\"" + robot + "\",\"role\":\"worker\"}").expect(201);
    worker =
        server.withKey(
            admin
                .post("/api/v1/users/" + robot + "/keys", "")
                .expect(201)
                .json()
                .get("key")
                .asString());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "%2F in a path",
        "%00 in a path",
        "a 100 KB cursor",
        "a 20 KB Authorization header"
      })
  void a_request_tomcat_refuses_is_answered_with_a_problem_document(String what) {
    Api.Response answer =
        switch (what) {
          case "%2F in a path" -> user.get("/api/v1/jobs/a%2Fb");
          case "%00 in a path" -> user.get("/api/v1/jobs/%00");
          case "a 100 KB cursor" -> user.get("/api/v1/jobs?cursor=" + "A".repeat(100_000));
          case "a 20 KB Authorization header" ->
              server.anonymous().get("/api/v1/me", "Authorization", "Bearer " + "k".repeat(20_000));
          default -> throw new IllegalArgumentException(what);
        };

    assertRefused(answer, 400, "validation_failed", null);
  }

  @Test
  void paths_that_serve_nothing_are_a_404_problem_document() {
    assertRefused(user.get("/healthz/../api/v1/users"), 404, "not_found", null);
    assertRefused(user.get("/healthz/no-such-group"), 404, "not_found", null);
    assertRefused(user.get("/error"), 404, "not_found", null);
  }

  @Test
  void a_query_string_that_does_not_decode_is_a_400_naming_the_query() {
    assertRefused(user.get("/api/v1/jobs?=x"), 400, "validation_failed", "query");
    assertRefused(user.get("/api/v1/jobs?name=%ED%A0%80"), 400, "validation_failed", "query");
  }

  @Test
  void a_form_body_that_does_not_decode_or_is_too_large_is_a_4xx_not_a_500() {
    // Spring reads a form body of a PUT, PATCH or DELETE in a filter, before any controller.
    String job = user.submit("{\"command\":[\"true\"]}").id();
    String form = "application/x-www-form-urlencoded";

    Api.Response undecodable =
        user.send("DELETE", "/api/v1/jobs/" + job, "a=%", "Content-Type", form);
    assertRefused(undecodable, 400, "validation_failed", "body");
    assertThat(undecodable.json().get("instance").asString()).isEqualTo("/api/v1/jobs/" + job);
    assertRefused(
        user.send("PUT", "/api/v1/jobs", "a=" + "x".repeat(2 * 1024 * 1024), "Content-Type", form),
        413,
        "payload_too_large",
        null);
    assertThat(user.job(job).id()).isEqualTo(job);
  }

  @Test
  void every_401_says_how_to_authenticate() {
    for (Api.Response answer :
        List.of(
            server.anonymous().get("/api/v1/me"),
            server.withKey("jk_wrong").get("/api/v1/jobs"),
            server.withKey("jk_wrong").post("/api/v1/jobs", "{\"command\":[\"true\"]}"))) {
      assertRefused(answer, 401, "unauthorized", null);
      assertThat(answer.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"jobkit\"");
    }
  }

  @ParameterizedTest(name = "worker claims {0}")
  @ValueSource(strings = {"system", "agent", "user", "job"})
  void a_worker_key_may_claim_no_other_actor_kind_than_worker(String kind) {
    assertRefused(
        worker.get("/api/v1/me", "X-Jobkit-Actor-Kind", kind),
        400,
        "validation_failed",
        "X-Jobkit-Actor-Kind");
    worker.get("/api/v1/me", "X-Jobkit-Actor-Kind", "worker").expect(200);
    worker.get("/api/v1/me").expect(200);
  }

  @ParameterizedTest(name = "user claims {0}")
  @ValueSource(strings = {"system", "worker", "job"})
  void a_user_key_may_claim_only_user_or_agent(String kind) {
    assertRefused(
        user.get("/api/v1/me", "X-Jobkit-Actor-Kind", kind),
        400,
        "validation_failed",
        "X-Jobkit-Actor-Kind");
    user.get("/api/v1/me", "X-Jobkit-Actor-Kind", "agent").expect(200);
  }
}
