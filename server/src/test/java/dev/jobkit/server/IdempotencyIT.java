package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Submissions with an {@code Idempotency-Key}: a retried POST never makes a second job. */
class IdempotencyIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static Api api;

  @BeforeAll
  static void start() {
    api = service.user();
  }

  private static String spec(String name) {
    return "{\"command\":[\"true\"],\"display_name\":\"" + name + "\"}";
  }

  private static int countNamed(Api as, String name) {
    return as.get("/api/v1/jobs?name=" + name).expect(200).json().get("items").size();
  }

  @Test
  void the_same_key_and_body_return_the_same_job_and_say_it_was_replayed() {
    String key = UUID.randomUUID().toString();
    String name = "idem-" + key;

    Api.Response first = api.post("/api/v1/jobs", spec(name), "Idempotency-Key", key).expect(201);
    Api.Response second = api.post("/api/v1/jobs", spec(name), "Idempotency-Key", key).expect(200);

    assertThat(second.as(Job.class).id()).isEqualTo(first.as(Job.class).id());
    assertThat(first.headers().firstValue("Idempotent-Replayed")).contains("false");
    assertThat(second.headers().firstValue("Idempotent-Replayed")).contains("true");
    assertThat(second.headers().firstValue("Location"))
        .contains("/api/v1/jobs/" + first.as(Job.class).id());
    assertThat(countNamed(api, name)).isEqualTo(1);
  }

  @Test
  void the_same_body_with_the_same_key_is_replayed_even_after_the_job_ended() {
    String key = UUID.randomUUID().toString();
    String name = "idem-ended-" + key;
    Job first =
        api.post("/api/v1/jobs", spec(name), "Idempotency-Key", key).expect(201).as(Job.class);
    api.awaitEnd(first.id());

    Job again =
        api.post("/api/v1/jobs", spec(name), "Idempotency-Key", key).expect(200).as(Job.class);

    assertThat(again.id()).isEqualTo(first.id());
    assertThat(again.status().isTerminal()).isTrue();
    assertThat(countNamed(api, name)).isEqualTo(1);
  }

  @Test
  void the_same_body_written_in_another_field_order_is_the_same_body() {
    String key = UUID.randomUUID().toString();
    String name = "idem-order-" + key;
    Job first =
        api.post(
                "/api/v1/jobs",
                "{\"command\":[\"true\"],\"priority\":3,\"display_name\":\"" + name + "\"}",
                "Idempotency-Key",
                key)
            .expect(201)
            .as(Job.class);

    Job again =
        api.post(
                "/api/v1/jobs",
                "{\"display_name\":\"" + name + "\", \"priority\":3, \"command\":[\"true\"]}",
                "Idempotency-Key",
                key)
            .expect(200)
            .as(Job.class);

    assertThat(again.id()).isEqualTo(first.id());
    assertThat(countNamed(api, name)).isEqualTo(1);
  }

  @Test
  void the_same_key_with_a_different_body_is_a_conflict_and_creates_nothing() {
    String key = UUID.randomUUID().toString();
    String name = "idem-conflict-" + key;
    Job first =
        api.post("/api/v1/jobs", spec(name), "Idempotency-Key", key).expect(201).as(Job.class);

    Api.Response conflict =
        api.post(
                "/api/v1/jobs",
                "{\"command\":[\"false\"],\"display_name\":\"" + name + "\"}",
                "Idempotency-Key",
                key)
            .expect(409);

    assertThat(conflict.json().get("code").asString()).isEqualTo("conflict");
    assertThat(conflict.json().get("detail").asString()).contains(key).contains(first.id());
    assertThat(countNamed(api, name)).isEqualTo(1);
  }

  @Test
  void the_same_key_from_two_users_makes_two_jobs() {
    String key = UUID.randomUUID().toString();
    String name = "idem-users-" + key;
    Api alice = service.newUser("alice", "parallel");

    Job mine =
        api.post("/api/v1/jobs", spec(name), "Idempotency-Key", key).expect(201).as(Job.class);
    Job hers =
        alice.post("/api/v1/jobs", spec(name), "Idempotency-Key", key).expect(201).as(Job.class);

    assertThat(hers.id()).isNotEqualTo(mine.id());
    assertThat(hers.owner()).isNotEqualTo(mine.owner());
  }

  @Test
  void concurrent_submissions_with_the_same_key_create_exactly_one_job() throws Exception {
    String key = UUID.randomUUID().toString();
    String name = "idem-race-" + key;
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Api.Response>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return api.post("/api/v1/jobs", spec(name), "Idempotency-Key", key);
                }));
      }
      go.countDown();

      Set<String> ids = new HashSet<>();
      int created = 0;
      for (Future<Api.Response> answer : answers) {
        Api.Response response = answer.get(60, TimeUnit.SECONDS);
        assertThat(response.status())
            .as("answer %s: %s", response.status(), response.body())
            .isIn(200, 201);
        if (response.status() == 201) {
          created++;
        }
        ids.add(response.as(Job.class).id());
      }
      assertThat(ids).hasSize(1);
      assertThat(created).isEqualTo(1);
      assertThat(countNamed(api, name)).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_blank_or_overlong_key_is_a_validation_error() {
    Api.Response blank = api.post("/api/v1/jobs", spec("blank-key"), "Idempotency-Key", " ");
    Api.Response tooLong =
        api.post("/api/v1/jobs", spec("long-key"), "Idempotency-Key", "k".repeat(256));

    assertThat(blank.status()).isEqualTo(400);
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().get("code").asString()).isEqualTo("validation_failed");
  }
}
