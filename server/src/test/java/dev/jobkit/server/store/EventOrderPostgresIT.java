package dev.jobkit.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.PostgresDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two stores on one PostgreSQL database, each with its own connections and its own write lock, as
 * two services would be, write events at the same time; a reader that follows the log by id ({@code
 * id > last seen}, as every stream, catch-up and the webhook cursor do) must see every event, each
 * once. With ids handed out at insert (an identity column), a transaction that got a smaller id but
 * committed later would be skipped for good; ids from {@code event_order} (V28) come in commit
 * order.
 */
class EventOrderPostgresIT {

  private static final int JOBS_PER_WRITER = 60;
  private static final int ROUNDS = 5;

  static PostgresDatabase database;
  static final List<HikariDataSource> pools = new ArrayList<>();

  @BeforeAll
  static void createDatabase() {
    database = PostgresDatabase.create();
    StoreFixtures.migrate(dataSource());
  }

  @AfterAll
  static void dropDatabase() {
    pools.forEach(HikariDataSource::close);
    if (database != null) {
      database.close();
    }
  }

  @Test
  void a_reader_following_event_ids_misses_nothing_that_two_services_commit_at_once()
      throws Exception {
    List<JdbcJobStore> services = List.of(store(), store());
    int writers = 4;
    List<List<String>> jobsOf = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      List<String> ids =
          IntStream.range(0, JOBS_PER_WRITER).mapToObj(n -> "job_w" + writer + "_" + n).toList();
      services
          .get(w % 2)
          .insert(ids.stream().map(id -> queued(id, writer)).toList(), Actor.RECOVERY, null);
      jobsOf.add(ids);
    }
    JdbcJobStore reader = services.get(0);
    long start = reader.lastEventId();
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Long> seen = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(writers + 1);
    try {
      Future<?> follower =
          threads.submit(
              () -> {
                long cursor = start;
                boolean last = false;
                while (!last) {
                  last = !writing.get(); // one more read after the writers are done
                  for (StoredEvent e : reader.eventsAfter(cursor, 1000)) {
                    seen.add(e.event().id());
                    cursor = e.event().id();
                  }
                }
                return null;
              });
      List<Future<?>> writes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        JdbcJobStore service = services.get(w % 2);
        List<String> ids = jobsOf.get(w);
        writes.add(
            threads.submit(
                () -> {
                  for (int round = 0; round < ROUNDS; round++) {
                    for (String id : ids) {
                      move(service, id, JobStatus.QUEUED, JobStatus.CLAIMED);
                      move(service, id, JobStatus.CLAIMED, JobStatus.QUEUED);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> write : writes) {
        write.get(5, TimeUnit.MINUTES);
      }
      writing.set(false);
      follower.get(1, TimeUnit.MINUTES);
    } finally {
      threads.shutdownNow();
    }
    List<Long> stored =
        JdbcClient.create(dataSource())
            .sql("SELECT id FROM job_events WHERE id > ? ORDER BY id")
            .param(start)
            .query(Long.class)
            .list();
    assertThat(stored).hasSize(writers * JOBS_PER_WRITER * ROUNDS * 2);
    List<Long> missed = new ArrayList<>(stored);
    missed.removeAll(seen);
    assertThat(missed).as("events committed but never seen by the reader").isEmpty();
    assertThat(seen).as("events the reader saw, in the order it saw them").isEqualTo(stored);
  }

  @Test
  void the_failures_of_many_waiting_children_get_their_ids_in_one_step_in_commit_order() {
    JdbcJobStore service = store();
    service.insert(List.of(queued("job_parent", 9)), Actor.RECOVERY, null);
    List<String> children = IntStream.range(0, 5).mapToObj(n -> "job_child_" + n).toList();
    service.insert(
        children.stream().map(id -> waitingFor(id, "job_parent")).toList(), Actor.RECOVERY, null);
    move(service, "job_parent", JobStatus.QUEUED, JobStatus.CANCELED);
    long before = service.lastEventId();

    service.failWaitingDescendants("job_parent", JobStatus.CANCELED, Actor.RECOVERY);

    List<StoredEvent> failed = service.eventsAfter(before, 100);
    assertThat(failed).extracting(e -> e.event().jobId()).containsExactlyElementsOf(children);
    assertThat(failed)
        .extracting(e -> e.event().id())
        .containsExactly(before + 1, before + 2, before + 3, before + 4, before + 5);
    assertThat(failed).allMatch(e -> e.event().toStatus() == JobStatus.FAILED);
  }

  @Test
  void one_write_of_more_events_than_one_statement_may_bind_gets_them_all_in_order() {
    JdbcJobStore service = store();
    long before = service.lastEventId();
    // 11 parameters an event: 6,000 in one statement would be more than PostgreSQL's 65,535.
    List<String> ids = IntStream.range(0, 6_000).mapToObj(n -> "job_many_" + n).toList();

    List<JobEvent> written =
        service.insert(ids.stream().map(id -> queued(id, 10)).toList(), Actor.RECOVERY, null);

    assertThat(written).extracting(JobEvent::jobId).containsExactlyElementsOf(ids);
    assertThat(written)
        .extracting(JobEvent::id)
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(before + 1, before + 6_000).boxed().toList());
    assertThat(service.eventsAfter(before, 10_000)).hasSize(6_000);
  }

  @Test
  void a_claim_skips_a_job_whose_row_another_write_holds_instead_of_waiting_for_it()
      throws Exception {
    JdbcJobStore service = store();
    service.insert(List.of(queued("job_held", 7), queued("job_free", 7)), Actor.RECOVERY, null);
    try (Connection other = dataSource().getConnection()) {
      other.setAutoCommit(false);
      try (Statement hold = other.createStatement()) {
        hold.execute("SELECT id FROM jobs WHERE id = 'job_held' FOR UPDATE");
      }
      // Waiting for the other write would never end: it stays open until after this.
      CompletableFuture<Optional<JobEvent>> skipped =
          CompletableFuture.supplyAsync(() -> service.transition(claim("job_held", 2)));
      assertThat(skipped.get(60, TimeUnit.SECONDS)).isEmpty();
      assertThat(service.transition(claim("job_free", 2))).isPresent();
      other.rollback();
    }
    assertThat(service.transition(claim("job_held", 2))).isPresent();
    assertThat(service.statuses(List.of("job_held", "job_free")))
        .containsEntry("job_held", JobStatus.CLAIMED)
        .containsEntry("job_free", JobStatus.CLAIMED);
  }

  @Test
  void a_claim_counts_its_owners_jobs_in_flight_after_the_other_claims_of_that_owner_committed()
      throws Exception {
    JdbcJobStore first = store();
    JdbcJobStore second = store();
    List<String> ids = IntStream.range(0, 40).mapToObj(n -> "job_limited_" + n).toList();
    first.insert(ids.stream().map(id -> queued(id, 8)).toList(), Actor.RECOVERY, null);
    // Two services claim the same owner's jobs at once, each claim limited to 3 in flight.
    List<CompletableFuture<Long>> claimers = new ArrayList<>();
    for (JdbcJobStore store : List.of(first, second)) {
      claimers.add(
          CompletableFuture.supplyAsync(
              () -> ids.stream().filter(id -> store.transition(claim(id, 3)).isPresent()).count()));
    }
    long claimed = 0;
    for (var claimer : claimers) {
      claimed += claimer.get(120, TimeUnit.SECONDS);
    }
    assertThat(claimed).isEqualTo(3);
    assertThat(first.statuses(ids).values().stream().filter(s -> s == JobStatus.CLAIMED).count())
        .isEqualTo(3);
  }

  /** The dispatcher's claim of {@code id}, its owner allowed {@code limit} jobs in flight. */
  private static Transition claim(String id, int limit) {
    return Transition.of(id, JobStatus.QUEUED, JobStatus.CLAIMED, Actor.EXECUTOR, null)
        .ownerLimit(limit);
  }

  private static void move(JdbcJobStore store, String id, JobStatus from, JobStatus to) {
    Optional<JobEvent> moved = store.transition(Transition.of(id, from, to, Actor.RECOVERY, null));
    assertThat(moved).as("%s %s -> %s", id, from, to).isPresent();
  }

  private static NewJob waitingFor(String id, String parent) {
    return StoreFixtures.job(id, "owner-9", JobStatus.AWAITING_PARENTS, List.of(parent));
  }

  private static NewJob queued(String id, int owner) {
    return StoreFixtures.job(id, "owner-" + owner, JobStatus.QUEUED, List.of());
  }

  private static JdbcJobStore store() {
    HikariDataSource db = new HikariDataSource();
    db.setDataSource(dataSource());
    db.setMaximumPoolSize(4);
    pools.add(db);
    return StoreFixtures.store(db);
  }

  private static PGSimpleDataSource dataSource() {
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setURL(database.jdbcUrl());
    db.setUser(database.user());
    return db;
  }
}
