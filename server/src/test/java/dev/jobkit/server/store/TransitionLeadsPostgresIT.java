package dev.jobkit.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.PodStatus;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.PostgresDatabase;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Transitions queued together share a transaction on a real PostgreSQL, and their rows' moves
 * ({@code UPDATE jobs … RETURNING}, known before the write runs) go to the database in one round
 * trip: an end and the claim that takes its slot cost two round trips and the commit, not three.
 * The moves run in their order, each seeing what the ones before it wrote; a move that finds the
 * job moved on writes nothing of its own and leaves the others alone. Round trips are counted as
 * the statements the store executes through the driver.
 */
class TransitionLeadsPostgresIT {

  static PostgresDatabase database;
  static HikariDataSource pool;
  static ExecutorService other;
  // Statements executed through the driver: each one round trip to the database.
  static final AtomicInteger executions = new AtomicInteger();
  private static final Set<String> EXECUTE =
      Set.of("execute", "executeQuery", "executeUpdate", "executeBatch", "executeLargeUpdate");

  private JdbcJobStore store;
  // The events of each commit, as the store hands them to its listeners: one list a transaction.
  private final List<List<Long>> commits = new CopyOnWriteArrayList<>();
  // Every event handed to the listeners, in order.
  private final List<StoredEvent> published = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void createDatabase() {
    database = PostgresDatabase.create();
    pool = new HikariDataSource();
    pool.setJdbcUrl(database.jdbcUrl());
    pool.setUsername(database.user());
    StoreFixtures.migrate(pool);
    other = Executors.newSingleThreadExecutor();
  }

  @AfterAll
  static void dropDatabase() {
    if (other != null) {
      other.shutdownNow();
    }
    if (pool != null) {
      pool.close();
    }
    if (database != null) {
      database.close();
    }
  }

  @BeforeEach
  void newStore() {
    store =
        StoreFixtures.store(
            counting(pool),
            events -> {
              commits.add(events.stream().map(e -> e.event().id()).toList());
              published.addAll(events);
            });
  }

  @Test
  void an_end_and_the_claim_queued_behind_it_send_their_moves_in_one_round_trip() throws Exception {
    submit("lead_end", "lead_next");
    claimAndStart("lead_end", JobStatus.QUEUED, 1, null);
    commits.clear();

    int[] roundTrips = new int[1];
    Optional<JobEvent> ended =
        endQueuing(
            "lead_end",
            1,
            queued -> claimAndStart("lead_next", JobStatus.QUEUED, 1, queued),
            () -> roundTrips[0] = executions.get());

    assertThat(ended).isPresent();
    List<JobEvent> next = store.events("lead_next");
    assertThat(next).extracting(JobEvent::toStatus).endsWith(JobStatus.CLAIMED, JobStatus.RUNNING);
    assertThat(commits)
        .containsExactly(List.of(ended.get().id(), next.get(1).id(), next.get(2).id()));
    // The moves of both rows; then the rows both hold (the end's pod and attempt, the claim's
    // log starts, attempt and pod) with the events. The commit is not a statement.
    assertThat(roundTrips[0]).isEqualTo(2);
    assertThat(podStatus("lead_end")).isEqualTo("SUCCEEDED");
    assertThat(podStatus("lead_next")).isEqualTo("RUNNING");
    assertThat(store.findSummary("lead_next").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void a_move_that_finds_its_job_moved_on_writes_nothing_and_the_next_one_still_applies()
      throws Exception {
    submit("stale_end", "stale_next");
    claimAndStart("stale_end", JobStatus.QUEUED, 1, null);
    commits.clear();

    // The end names attempt 2, which never ran: its move finds no row.
    Optional<JobEvent> ended =
        endQueuing(
            "stale_end",
            2,
            queued -> claimAndStart("stale_next", JobStatus.QUEUED, 1, queued),
            () -> {});

    assertThat(ended).isEmpty();
    assertThat(store.findSummary("stale_end").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    assertThat(podStatus("stale_end")).isEqualTo("RUNNING"); // its pod's end was not written
    assertThat(store.findSummary("stale_next").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    assertThat(podStatus("stale_next")).isEqualTo("RUNNING");
    assertThat(commits).hasSize(1);
  }

  @Test
  void a_move_sees_what_the_moves_before_it_in_its_round_trip_wrote() throws Exception {
    submit("chain");
    claimAndStart("chain", JobStatus.QUEUED, 1, null);
    commits.clear();

    // The end goes to RUN_ERROR; the move queued behind it expects the job there, as a retry's
    // scheduling does, and goes in the same round trip.
    Future<?>[] retry = new Future<?>[1];
    Optional<JobEvent> ended =
        store.transition(
            Transition.of("chain", JobStatus.RUNNING, JobStatus.RUN_ERROR, Actor.EXECUTOR, "lost")
                .whileAttempt(1),
            () ->
                retry[0] =
                    queueFromAnotherThread(
                        queued ->
                            store.transition(
                                Transition.of(
                                    "chain",
                                    JobStatus.RUN_ERROR,
                                    JobStatus.RESTART_READY,
                                    Actor.SCHEDULER,
                                    null),
                                queued)));
    retry[0].get(10, TimeUnit.SECONDS);

    assertThat(ended).isPresent();
    assertThat(store.events("chain"))
        .extracting(JobEvent::toStatus)
        .endsWith(JobStatus.RUN_ERROR, JobStatus.RESTART_READY);
    assertThat(store.findSummary("chain").orElseThrow().status())
        .isEqualTo(JobStatus.RESTART_READY);
    assertThat(commits).hasSize(1);
    assertThat(commits.get(0)).hasSize(2);
  }

  @Test
  void an_end_that_stores_the_empty_result_manifest_says_so_in_its_event() {
    String[] ids = {"pg_empty", "pg_files", "pg_together_a", "pg_together_b"};
    submit(ids);
    for (String id : ids) {
      claimAndStart(id, JobStatus.QUEUED, 1, null);
    }

    StoreFixtures.checkEndsSayWhetherTheyStoredTheirManifest(
        store, pool, published, ids[0], ids[1], ids[2], ids[3]);
  }

  private void submit(String... ids) {
    store.insert(
        java.util.Arrays.stream(ids)
            .map(id -> StoreFixtures.job(id, "ann", JobStatus.QUEUED, List.of()))
            .toList(),
        Actor.user("ann"),
        null,
        100);
  }

  /** Claims and starts one-pod job {@code id}, as the dispatcher does (its rows held). */
  private List<JobEvent> claimAndStart(String id, JobStatus from, int attempt, Runnable queued) {
    Instant now = Instant.now();
    return store.transitionThrough(
        List.of(
            Transition.of(id, from, JobStatus.CLAIMED, Actor.EXECUTOR, null)
                .serviceId("svc_a")
                .also(tx -> tx.logStarts(id, attempt, List.of(0L))),
            Transition.of(id, JobStatus.CLAIMED, JobStatus.RUNNING, Actor.EXECUTOR, null)
                .attempt(attempt)
                .startedAt(now)
                .also(
                    tx -> {
                      tx.startAttempt(id, attempt, now, 1);
                      tx.podStarted(id, 0, null, now);
                    })),
        queued);
  }

  /**
   * The end of attempt {@code attempt} of {@code id} as a success (its pod's and attempt's rows
   * held), with {@code next} queued behind it from another thread before it takes its turn; {@code
   * counted} runs once it committed, with the statements counted since it was queued.
   */
  private Optional<JobEvent> endQueuing(
      String id, int attempt, Consumer<Runnable> next, Runnable counted) throws Exception {
    Instant now = Instant.now();
    Future<?>[] queuedWrite = new Future<?>[1];
    Optional<JobEvent> ended =
        store.transition(
            Transition.of(id, JobStatus.RUNNING, JobStatus.SUCCEEDED, Actor.EXECUTOR, null)
                .whileAttempt(attempt)
                .finishedAt(now)
                .also(
                    tx -> {
                      tx.podFinished(id, 0, PodStatus.SUCCEEDED, 0, null, now);
                      tx.finishAttempt(id, attempt, JobStatus.SUCCEEDED, 0, null, now);
                    }),
            () -> {
              // From here on: the other write, once queued, may take the lock and run both.
              executions.set(0);
              queuedWrite[0] = queueFromAnotherThread(next);
            });
    counted.run();
    queuedWrite[0].get(10, TimeUnit.SECONDS);
    return ended;
  }

  /**
   * What the dispatcher does from a write's queued callback: starts {@code write} on another thread
   * and returns once it is queued (its own queued callback ran), so that it runs in the transaction
   * of the write whose callback this is, after it.
   */
  private Future<?> queueFromAnotherThread(Consumer<Runnable> write) {
    CountDownLatch queued = new CountDownLatch(1);
    Future<?> running = other.submit(() -> write.accept(queued::countDown));
    try {
      assertThat(queued.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return running;
  }

  private static String podStatus(String id) {
    return JdbcClient.create(pool)
        .sql("SELECT status FROM job_pods WHERE job_id = ?")
        .param(id)
        .query(String.class)
        .single();
  }

  /** {@code source}, counting the statements executed through its connections. */
  private static DataSource counting(DataSource source) {
    return new DelegatingDataSource(source) {
      @Override
      public Connection getConnection() throws java.sql.SQLException {
        return wrap(super.getConnection(), Connection.class);
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static <T> T wrap(T target, Class<T> type) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (EXECUTE.contains(method.getName())) {
            executions.incrementAndGet();
          }
          Object result;
          try {
            result = method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (result instanceof PreparedStatement statement) {
            return wrap(statement, PreparedStatement.class);
          }
          if (result instanceof Statement statement) {
            return wrap(statement, Statement.class);
          }
          return result;
        };
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
  }
}
