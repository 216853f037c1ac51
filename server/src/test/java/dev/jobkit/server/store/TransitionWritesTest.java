package dev.jobkit.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The store's transitions on the embedded H2 database the service uses (migrated by Flyway, no
 * Spring context): a claim and its start in one row write with both events, in order; a write
 * queued while another waits its turn shares its commit, after it; an attempt's end that names its
 * attempt never moves a later one.
 */
class TransitionWritesTest {

  @TempDir Path dir;

  private HikariDataSource db;
  private JdbcJobStore store;
  // The events of each commit, as the store hands them to its listeners: one list a transaction.
  private final List<List<Long>> commits = new CopyOnWriteArrayList<>();
  // Every event handed to the listeners, in order.
  private final List<StoredEvent> published = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() {
    db = new HikariDataSource();
    db.setJdbcUrl("jdbc:h2:file:" + dir.resolve("jobkit") + ";QUERY_CACHE_SIZE=256");
    db.setUsername("sa");
    db.setPassword("");
    StoreFixtures.migrate(db);
    store =
        StoreFixtures.store(
            db,
            events -> {
              commits.add(events.stream().map(e -> e.event().id()).toList());
              published.addAll(events);
            });
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void an_end_that_stores_the_empty_result_manifest_says_so_in_its_event() {
    String[] ids = {"h2_empty", "h2_files", "h2_together_a", "h2_together_b"};
    for (String id : ids) {
      submit(id);
      claimAndStart(id, JobStatus.QUEUED, 1);
    }

    StoreFixtures.checkEndsSayWhetherTheyStoredTheirManifest(
        store, db, published, ids[0], ids[1], ids[2], ids[3]);
  }

  private void submit(String id) {
    store.insert(
        List.of(StoreFixtures.job(id, "ann", JobStatus.QUEUED, List.of())),
        Actor.user("ann"),
        null,
        100);
  }

  private List<JobEvent> claimAndStart(String id, JobStatus from, int attempt) {
    return store.transitionThrough(
        List.of(
            Transition.of(id, from, JobStatus.CLAIMED, Actor.EXECUTOR, null)
                .serviceId("svc_a")
                .also(tx -> tx.logStarts(id, attempt, List.of(0L))),
            Transition.of(id, JobStatus.CLAIMED, JobStatus.RUNNING, Actor.EXECUTOR, "started")
                .attempt(attempt)
                .startedAt(Instant.now())
                .also(tx -> tx.startAttempt(id, attempt, Instant.now(), 1))));
  }

  @Test
  void a_claim_and_its_start_write_the_row_once_with_both_steps_columns_and_events() {
    submit("job_a");

    List<JobEvent> events = claimAndStart("job_a", JobStatus.QUEUED, 1);

    assertThat(events)
        .extracting(JobEvent::fromStatus, JobEvent::toStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(JobStatus.QUEUED, JobStatus.CLAIMED),
            org.assertj.core.groups.Tuple.tuple(JobStatus.CLAIMED, JobStatus.RUNNING));
    assertThat(events.get(1).id()).isGreaterThan(events.get(0).id());
    assertThat(store.events("job_a"))
        .extracting(JobEvent::id)
        .endsWith(events.get(0).id(), events.get(1).id());
    Job job = store.findSummary("job_a").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(job.statusReason()).isEqualTo("started");
    assertThat(job.attempt()).isEqualTo(1);
    assertThat(job.startedAt()).isNotNull();
    assertThat(
            JdbcClient.create(db).sql("SELECT service_id FROM jobs").query(String.class).single())
        .isEqualTo("svc_a");

    // Moved on since: nothing is written, not even the first step.
    assertThat(claimAndStart("job_a", JobStatus.QUEUED, 1)).isEmpty();
    assertThat(store.events("job_a")).hasSize(3);
  }

  @Test
  void a_write_queued_while_another_waits_its_turn_commits_with_it_and_after_it() throws Exception {
    submit("job_end");
    submit("job_next");
    claimAndStart("job_end", JobStatus.QUEUED, 1);
    commits.clear();
    ExecutorService dispatcher = Executors.newSingleThreadExecutor();
    try {
      Future<?>[] claim = new Future<?>[1];
      Optional<JobEvent> ended =
          store.transition(
              Transition.of("job_end", JobStatus.RUNNING, JobStatus.SUCCEEDED, Actor.EXECUTOR, null)
                  .whileAttempt(1),
              () -> {
                // As the dispatcher does with the slot the end frees: its claim is queued before
                // the end takes its turn.
                CountDownLatch queued = new CountDownLatch(1);
                claim[0] =
                    dispatcher.submit(
                        () ->
                            store.transitionThrough(
                                List.of(
                                    Transition.of(
                                        "job_next",
                                        JobStatus.QUEUED,
                                        JobStatus.CLAIMED,
                                        Actor.EXECUTOR,
                                        null)),
                                queued::countDown));
                try {
                  assertThat(queued.await(10, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
              });
      claim[0].get(10, TimeUnit.SECONDS);

      assertThat(ended).isPresent();
      long claimed = store.events("job_next").get(1).id();
      assertThat(claimed).isGreaterThan(ended.get().id());
      assertThat(commits).containsExactly(List.of(ended.get().id(), claimed));
    } finally {
      dispatcher.shutdownNow();
    }
  }

  @Test
  void an_end_that_names_its_attempt_does_not_move_a_later_one() {
    submit("job_b");
    claimAndStart("job_b", JobStatus.QUEUED, 1);
    store.transition(
        Transition.of("job_b", JobStatus.RUNNING, JobStatus.RUN_ERROR, Actor.EXECUTOR, "lost"));
    store.transition(
        Transition.of(
            "job_b", JobStatus.RUN_ERROR, JobStatus.RESTART_READY, Actor.SCHEDULER, null));
    claimAndStart("job_b", JobStatus.RESTART_READY, 2);

    Transition staleEnd =
        Transition.of("job_b", JobStatus.RUNNING, JobStatus.SUCCEEDED, Actor.EXECUTOR, null)
            .whileAttempt(1);
    assertThat(store.transition(staleEnd)).isEmpty();
    assertThat(store.findSummary("job_b").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);

    Transition end =
        Transition.of("job_b", JobStatus.RUNNING, JobStatus.SUCCEEDED, Actor.EXECUTOR, null)
            .whileAttempt(2);
    assertThat(store.transition(end)).isPresent();
    assertThat(store.findSummary("job_b").orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
  }
}
