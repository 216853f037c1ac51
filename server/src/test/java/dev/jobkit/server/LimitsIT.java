package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.AWAITING_PARENTS;
import static dev.jobkit.sdk.lifecycle.JobStatus.CANCELED;
import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobPage;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.NewJob;
import dev.jobkit.server.store.StoredEvent;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Api.Response;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.PostgresDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The service's limits, one nested class per limit (or per hot path a limit protects). Where the
 * database matters, the same tests run on H2 (the shared service, with users of their own) and on
 * PostgreSQL (a service of their own on a fresh database); a limit of its own needs a service of
 * its own.
 */
class LimitsIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String SETTING = "jobkit.limits.max-queued-jobs-per-user";

  /**
   * A service on H2, through {@link #h2()} (registered by the nested class, the shared one or one
   * of its own), or on a fresh PostgreSQL database, started once for a nested class.
   */
  abstract static class OnEitherDatabase {
    JobkitServer server;
    Gates gates;
    PostgresDatabase database;

    abstract boolean postgres();

    /** The H2 service's extension; on PostgreSQL, none. */
    JobkitService h2() {
      throw new IllegalStateException("no H2 service on PostgreSQL");
    }

    @BeforeAll
    void startService() {
      if (postgres()) {
        database = PostgresDatabase.create();
        gates = Gates.create();
        server = JobkitServer.start(database.serverArgs());
      } else {
        server = h2().server();
        gates = h2().gates();
      }
    }

    @AfterAll
    void stopService() {
      if (server != null && postgres()) {
        server.close();
      }
      if (database != null) {
        database.close();
        gates.close();
      }
    }

    /**
     * A user of this class's: on the shared service named {@code <prefix>-<random>}, and their jobs
     * flushed after the class; on PostgreSQL, whose service is the class's own, {@code prefix}.
     */
    Api newUser(String prefix, String mode) {
      if (!postgres()) {
        return h2().newUser(prefix, mode);
      }
      return new Api(server.baseUrl(), server.newUser(prefix, mode).key(), prefix);
    }
  }

  /** {@code jobkit.limits.max-queued-jobs-per-user}: 5 here. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class QueuedJobsPerUser extends OnEitherDatabase {

    // A limit other classes must not see. Each test holds a slot with a serial user's running
    // job: enough slots for all of them.
    @RegisterExtension
    final JobkitService service =
        JobkitService.own("--" + SETTING + "=5", "--jobkit.executor.slots=16");

    @Override
    boolean postgres() {
      return false;
    }

    @Override
    JobkitService h2() {
      return service;
    }

    /** A serial user whose one slot is held by a job that waits at gate {@code <name>-blocker}. */
    private Api heldUser(String name) {
      Api user = newUser(name, "serial");
      Job blocker = user.submitShell(gates.script(name + "-blocker"));
      user.awaitStatus(blocker.id(), RUNNING, TIMEOUT);
      return user;
    }

    private static void assertQueueFull(Response refused, int waiting, int submitted) {
      assertThat(refused.status()).as(refused.body()).isEqualTo(429);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      JsonNode problem = refused.json();
      assertThat(problem.get("code").asString()).isEqualTo("rate_limited");
      assertThat(problem.get("limit").asInt()).isEqualTo(5);
      assertThat(problem.get("waiting_jobs").asInt()).isEqualTo(waiting);
      assertThat(problem.get("submitted_jobs").asInt()).isEqualTo(submitted);
      assertThat(problem.get("setting").asString()).isEqualTo(SETTING);
      assertThat(problem.get("detail").asString())
          .contains("already has " + waiting + " jobs waiting to start")
          .contains("limit of 5")
          .contains(SETTING);
    }

    private static int jobsOf(Api user) {
      return user.get("/api/v1/jobs?limit=1000&owner=" + user.name())
          .expect(200)
          .as(JobPage.class)
          .items()
          .size();
    }

    @Test
    void a_single_submit_over_the_limit_is_429_and_creates_nothing() {
      Api quinn = heldUser("quinn");
      for (int i = 0; i < 5; i++) {
        assertThat(quinn.submit("{\"command\":[\"true\"]}").status()).isEqualTo(QUEUED);
      }

      assertQueueFull(quinn.post("/api/v1/jobs", "{\"command\":[\"true\"]}"), 5, 1);

      assertThat(jobsOf(quinn)).isEqualTo(6); // the running blocker and the five queued
    }

    @Test
    void a_batch_that_would_go_over_is_refused_whole_and_one_that_fits_is_taken() {
      Api rita = heldUser("rita");
      for (int i = 0; i < 3; i++) {
        rita.submit("{\"command\":[\"true\"]}");
      }
      String three =
          "{\"jobs\":[{\"command\":[\"true\"]},{\"command\":[\"true\"]},{\"command\":[\"true\"]}]}";

      assertQueueFull(rita.post("/api/v1/jobs/batch", three), 3, 3);
      assertThat(jobsOf(rita)).isEqualTo(4);

      rita.post(
              "/api/v1/jobs/batch",
              "{\"jobs\":[{\"ref\":\"a\",\"command\":[\"true\"]},"
                  + "{\"command\":[\"true\"],\"parents\":[\"a\"]}]}")
          .expect(201);
      assertThat(jobsOf(rita)).isEqualTo(6);
      // Children waiting for their parents count as well.
      assertQueueFull(rita.post("/api/v1/jobs", "{\"command\":[\"true\"]}"), 5, 1);
    }

    @Test
    void another_user_is_not_affected_by_a_full_queue() {
      Api sam = heldUser("sam");
      for (int i = 0; i < 5; i++) {
        sam.submit("{\"command\":[\"true\"]}");
      }
      assertQueueFull(sam.post("/api/v1/jobs", "{\"command\":[\"true\"]}"), 5, 1);

      Api tess = newUser("tess", "serial");
      Job theirs = tess.submit("{\"command\":[\"true\"]}");
      assertThat(tess.awaitStatus(theirs.id(), JobStatus::isTerminal, TIMEOUT).status())
          .isEqualTo(SUCCEEDED);
    }

    @Test
    void concurrent_submissions_never_take_a_user_over_the_limit() throws Exception {
      Api yara = heldUser("yara");
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(12);
      try {
        List<java.util.concurrent.Future<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          String body =
              i % 3 == 0
                  ? "{\"jobs\":[{\"command\":[\"true\"]},{\"command\":[\"true\"]}]}"
                  : "{\"command\":[\"true\"]}";
          String path = i % 3 == 0 ? "/api/v1/jobs/batch" : "/api/v1/jobs";
          answers.add(pool.submit(() -> yara.post(path, body)));
        }
        int accepted = 0;
        for (java.util.concurrent.Future<Response> answer : answers) {
          Response r = answer.get();
          assertThat(r.status()).as(r.body()).isIn(201, 429);
          if (r.status() == 201) {
            accepted += r.json().has("items") ? r.json().get("items").size() : 1;
          }
        }
        // 16 jobs asked for in 12 requests: as many accepted as fit, whatever the interleaving.
        assertThat(accepted).isBetween(4, 5);
        assertThat(jobsOf(yara)).isEqualTo(1 + accepted);
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void a_replayed_submission_is_not_counted_again() {
      Api uma = heldUser("uma");
      Job first =
          uma.post("/api/v1/jobs", "{\"command\":[\"true\"]}", "Idempotency-Key", "k-1")
              .expect(201)
              .as(Job.class);
      for (int i = 0; i < 4; i++) {
        uma.submit("{\"command\":[\"true\"]}");
      }

      Response replay =
          uma.post("/api/v1/jobs", "{\"command\":[\"true\"]}", "Idempotency-Key", "k-1");

      assertThat(replay.status()).as(replay.body()).isBetween(200, 201);
      assertThat(replay.as(Job.class).id()).isEqualTo(first.id());
    }

    @Test
    void the_limit_frees_up_as_jobs_start_and_end() {
      Api vic = newUser("vic", "serial");
      Job blocker = vic.submitShell(gates.script("vic-blocker"));
      vic.awaitStatus(blocker.id(), RUNNING, TIMEOUT);
      List<Job> queued = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        queued.add(vic.submitShell(gates.script("vic-queued")));
      }
      assertQueueFull(vic.post("/api/v1/jobs", "{\"command\":[\"true\"]}"), 5, 1);

      // The blocker ends: the first queued job starts, and no longer counts.
      gates.open("vic-blocker");
      vic.awaitStatus(queued.get(0).id(), RUNNING, TIMEOUT);
      Job sixth = vic.submitShell(gates.script("vic-queued"));
      assertQueueFull(vic.post("/api/v1/jobs", "{\"command\":[\"true\"]}"), 5, 1);

      // A queued job is stopped: it ended, and leaves room for one more.
      vic.post("/api/v1/jobs/" + queued.get(4).id() + "/stop", "").expect(200);
      Job seventh = vic.submitShell(gates.script("vic-queued"));
      assertThat(seventh.status()).isEqualTo(QUEUED);

      for (Job job : List.of(queued.get(1), queued.get(2), queued.get(3), sixth, seventh)) {
        vic.post("/api/v1/jobs/" + job.id() + "/stop", "").expect(200);
      }
      vic.stopAndAwaitCanceled(queued.get(0).id());
    }
  }

  /**
   * Stopping (or failing) a parent fails every job waiting for it, directly or through other
   * waiting jobs, set-based: 2,000 children and their children here.
   */
  abstract class WaitingDescendants extends OnEitherDatabase {

    @Test
    void stopping_a_parent_fails_all_its_waiting_descendants_with_the_reason_and_an_event_each() {
      Api wren = newUser("wren", "serial");
      Job blocker = wren.submitShell(gates.script("wren-blocker"));
      wren.awaitStatus(blocker.id(), RUNNING, TIMEOUT);
      Job parent = wren.submit("{\"command\":[\"true\"]}");
      // Still queued: never ends in this test.
      Job otherParent = wren.submitShell(gates.script("wren-other-parent"));
      List<String> children = new ArrayList<>();
      for (int batch = 0; batch < 2; batch++) {
        String specs =
            IntStream.range(0, 1000)
                .mapToObj(
                    i ->
                        "{\"command\":[\"true\"],\"parents\":[\""
                            + parent.id()
                            + "\""
                            + (i % 100 == 0 ? ",\"" + otherParent.id() + "\"" : "")
                            + "]}")
                .collect(Collectors.joining(",", "{\"jobs\":[", "]}"));
        JsonNode created = wren.post("/api/v1/jobs/batch", specs).expect(201).json();
        created.get("items").forEach(j -> children.add(j.get("id").asString()));
      }
      assertThat(children).hasSize(2000);
      // Grandchildren: waiting for a child (one of them also for the parent itself).
      String child0 = children.get(0);
      Job grandchild = wren.submit("{\"command\":[\"true\"],\"parents\":[\"" + child0 + "\"]}");
      Job greatGrandchild =
          wren.submit(
              "{\"command\":[\"true\"],\"parents\":[\""
                  + grandchild.id()
                  + "\",\""
                  + parent.id()
                  + "\"]}");
      long eventsBefore = server.bean(JobStore.class).lastEventId();

      Job stopped =
          wren.post("/api/v1/jobs/" + parent.id() + "/stop", "").expect(200).as(Job.class);

      assertThat(stopped.status()).isEqualTo(CANCELED);
      Set<String> failed = new HashSet<>();
      for (Job j : wren.listAll("limit=1000&status=FAILED&parent=" + parent.id())) {
        assertThat(j.statusReason())
            .isEqualTo("parent_failed: parent " + parent.id() + " ended CANCELED");
        assertThat(j.lastError()).isEqualTo(j.statusReason());
        assertThat(j.finishedAt()).isNotNull();
        failed.add(j.id());
      }
      assertThat(failed).containsAll(children);
      assertThat(
              wren.get("/api/v1/jobs?limit=10&status=AWAITING_PARENTS&parent=" + parent.id())
                  .expect(200)
                  .as(JobPage.class)
                  .items())
          .isEmpty();

      assertThat(wren.job(grandchild.id()).status()).isEqualTo(FAILED);
      assertThat(wren.job(grandchild.id()).statusReason())
          .isEqualTo("parent_failed: parent " + child0 + " ended FAILED");
      Job great = wren.job(greatGrandchild.id());
      assertThat(great.status()).isEqualTo(FAILED);
      assertThat(great.statusReason()).startsWith("parent_failed: parent ");

      // One event per job, in the audit trail and on the live feed's table, in order.
      for (String id : List.of(children.get(0), children.get(999), children.get(1999))) {
        List<JobEvent> events = wren.events(id);
        assertThat(events).extracting(JobEvent::toStatus).containsExactly(AWAITING_PARENTS, FAILED);
        JobEvent last = events.get(1);
        assertThat(last.fromStatus()).isEqualTo(AWAITING_PARENTS);
        assertThat(last.actor()).isEqualTo("scheduler");
        assertThat(last.reason())
            .isEqualTo("parent_failed: parent " + parent.id() + " ended CANCELED");
        assertThat(last.id()).isGreaterThan(eventsBefore);
      }
      // Of this user's jobs: on the shared service other classes' jobs fail meanwhile too.
      Set<String> wrens = new HashSet<>(children);
      wrens.addAll(
          List.of(
              blocker.id(), parent.id(), otherParent.id(), grandchild.id(), greatGrandchild.id()));
      assertThat(countFailedEventsSince(eventsBefore, wrens)).isEqualTo(2002);

      // The scheduler carries on: capacity is what it was.
      gates.open("wren-blocker");
      wren.awaitStatus(otherParent.id(), RUNNING, TIMEOUT);
      wren.stopAndAwaitCanceled(otherParent.id());
      Job after = wren.submit("{\"command\":[\"true\"]}");
      assertThat(wren.awaitStatus(after.id(), JobStatus::isTerminal, TIMEOUT).status())
          .isEqualTo(SUCCEEDED);
    }

    @Test
    void a_parent_that_succeeds_queues_its_waiting_children_and_leaves_those_with_other_parents() {
      Api yara = newUser("yara", "serial");
      // Holds the user's one slot: released children stay.
      Job blocker = yara.submitShell(gates.script("yara-blocker"));
      yara.awaitStatus(blocker.id(), RUNNING, TIMEOUT);
      Job parent = yara.submit("{\"command\":[\"true\"]}"); // queued behind the blocker
      // Next in line after the parent, ahead of every released child: it holds the slot, so the
      // children stay queued instead of running a thousand processes the test does not look at.
      Job holder = yara.submitShell(gates.script("yara-holder"));
      // Queued too: never ends in this test.
      Job otherParent = yara.submitShell(gates.script("yara-other-parent"));
      String specs =
          IntStream.range(0, 1000)
              .mapToObj(
                  i ->
                      "{\"command\":[\"true\"],\"parents\":[\""
                          + parent.id()
                          + "\""
                          + (i % 100 == 0 ? ",\"" + otherParent.id() + "\"" : "")
                          + "]}")
              .collect(Collectors.joining(",", "{\"jobs\":[", "]}"));
      List<String> children = new ArrayList<>();
      yara.post("/api/v1/jobs/batch", specs)
          .expect(201)
          .json()
          .get("items")
          .forEach(j -> children.add(j.get("id").asString()));
      long eventsBefore = server.bean(JobStore.class).lastEventId();

      gates.open("yara-blocker");
      assertThat(yara.awaitStatus(parent.id(), JobStatus::isTerminal, TIMEOUT).status())
          .isEqualTo(SUCCEEDED);
      yara.awaitStatus(holder.id(), RUNNING, TIMEOUT);
      // Released in submission order, after the parent's end is recorded: the last one last.
      yara.awaitStatus(children.get(999), s -> s != AWAITING_PARENTS, TIMEOUT);

      Map<String, Job> byId = new HashMap<>();
      yara.listAll("limit=1000&parent=" + parent.id()).forEach(j -> byId.put(j.id(), j));
      Map<String, List<JobEvent>> releases = new HashMap<>();
      server.bean(JobStore.class).eventsAfter(eventsBefore, 100_000).stream()
          .map(StoredEvent::event)
          .filter(e -> e.fromStatus() == AWAITING_PARENTS)
          .forEach(e -> releases.computeIfAbsent(e.jobId(), id -> new ArrayList<>()).add(e));
      Set<String> queued = new HashSet<>();
      for (int i = 0; i < children.size(); i++) {
        Job child = byId.get(children.get(i));
        if (i % 100 == 0) {
          assertThat(child.status()).isEqualTo(AWAITING_PARENTS);
          assertThat(child.statusReason()).isEqualTo("waiting for parents " + otherParent.id());
          assertThat(releases).doesNotContainKey(child.id());
        } else {
          assertThat(child.status()).isEqualTo(QUEUED);
          queued.add(child.id());
          assertThat(releases.get(child.id()))
              .singleElement()
              .satisfies(
                  released -> {
                    assertThat(released.toStatus()).isEqualTo(QUEUED);
                    assertThat(released.reason()).isEqualTo("all parents succeeded");
                  });
        }
      }
      assertThat(queued).hasSize(990);
    }

    @Test
    void a_child_of_a_stopped_parent_that_was_already_released_is_left_alone() {
      Api xena = newUser("xena", "parallel");
      Job done = xena.submit("{\"command\":[\"true\"]}");
      xena.awaitStatus(done.id(), SUCCEEDED, TIMEOUT);
      Job running = xena.submitShell(gates.script("xena-running"));
      xena.awaitStatus(running.id(), RUNNING, TIMEOUT);
      Job child = xena.submit("{\"command\":[\"true\"],\"parents\":[\"" + done.id() + "\"]}");
      assertThat(xena.awaitStatus(child.id(), JobStatus::isTerminal, TIMEOUT).status())
          .isEqualTo(SUCCEEDED);

      xena.stopAndAwaitCanceled(running.id());

      assertThat(xena.job(child.id()).status()).isEqualTo(SUCCEEDED);
      assertThat(xena.events(child.id())).extracting(JobEvent::toStatus).doesNotContain(FAILED);
    }

    private long countFailedEventsSince(long afterId, Set<String> jobIds) {
      return server.bean(JobStore.class).eventsAfter(afterId, 100_000).stream()
          .filter(e -> jobIds.contains(e.event().jobId()) && e.event().toStatus() == FAILED)
          .count();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WaitingDescendantsOnH2 extends WaitingDescendants {
    @RegisterExtension final JobkitService service = JobkitService.shared();

    @Override
    boolean postgres() {
      return false;
    }

    @Override
    JobkitService h2() {
      return service;
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WaitingDescendantsOnPostgres extends WaitingDescendants {
    @Override
    boolean postgres() {
      return true;
    }
  }

  /**
   * Another user's {@code owner=} list reads only that owner's public jobs, through the index on
   * (owner, accessibility, seq): never their private ones.
   */
  abstract class OwnerFilterOfAnotherUser extends OnEitherDatabase {

    @Test
    void another_user_sees_only_the_owners_public_jobs_page_by_page() {
      String carol = newUser("carol", "parallel").name();
      Api bob = newUser("bob", "parallel");
      JobStore store = server.bean(JobStore.class);
      List<String> publicIds = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        insertEnded(store, carol, 400, Accessibility.PRIVATE);
        publicIds.addAll(insertEnded(store, carol, 2, Accessibility.PUBLIC));
      }
      insertEnded(store, carol, 400, Accessibility.PRIVATE);

      // Four to a page: the cursor is followed across many pages.
      List<String> seen = bob.listAll("limit=4&owner=" + carol).stream().map(Job::id).toList();

      List<String> newestFirst = new ArrayList<>(publicIds);
      java.util.Collections.reverse(newestFirst);
      assertThat(seen).containsExactlyElementsOf(newestFirst);
      assertThat(
              bob.get("/api/v1/jobs?limit=1000&status=canceled&owner=" + carol)
                  .expect(200)
                  .as(JobPage.class)
                  .items())
          .extracting(Job::id)
          .containsExactlyInAnyOrderElementsOf(publicIds);
      // Carol herself, and an admin, still see all of hers.
      assertThat(
              server
                  .admin()
                  .get("/api/v1/jobs?limit=1000&owner=" + carol)
                  .expect(200)
                  .as(JobPage.class)
                  .items())
          .hasSize(1000);
    }

    List<String> insertEnded(JobStore store, String owner, int n, Accessibility accessibility) {
      List<NewJob> jobs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        jobs.add(
            new NewJob(
                Keys.newId("job"),
                owner,
                "ended " + i,
                null,
                CANCELED,
                "stopped",
                5,
                accessibility,
                1,
                List.of("true"),
                null,
                null,
                null,
                java.util.Map.of(),
                Map.of(),
                Map.of(),
                List.of(),
                null,
                1));
      }
      store.insert(jobs, Actor.user(owner), null);
      return jobs.stream().map(NewJob::id).toList();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OwnerFilterOfAnotherUserOnH2 extends OwnerFilterOfAnotherUser {
    @RegisterExtension final JobkitService service = JobkitService.shared();

    @Override
    boolean postgres() {
      return false;
    }

    @Override
    JobkitService h2() {
      return service;
    }

    @Test
    void the_list_query_reads_the_owner_visibility_index() throws Exception {
      // H2 picks the index by rule: the plan of the shape the store sends names it.
      try (Connection c = server.bean(DataSource.class).getConnection();
          PreparedStatement explain =
              c.prepareStatement(
                  "EXPLAIN SELECT seq FROM jobs j WHERE 1 = 1 AND j.owner = ?"
                      + " AND j.accessibility = 'PUBLIC' ORDER BY j.seq DESC LIMIT 51")) {
        explain.setString(1, "carol");
        try (ResultSet plan = explain.executeQuery()) {
          plan.next();
          assertThat(plan.getString(1)).containsIgnoringCase("jobs_owner_visibility");
        }
      }
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OwnerFilterOfAnotherUserOnPostgres extends OwnerFilterOfAnotherUser {
    @Override
    boolean postgres() {
      return true;
    }
  }
}
