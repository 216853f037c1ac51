package dev.jobkit.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.QuietFlyway;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The store and its jobs for the store's own tests, which run it on a database without Spring. */
final class StoreFixtures {

  private StoreFixtures() {}

  /** Migrates {@code db} with the service's migrations, as quietly as the service does. */
  static void migrate(DataSource db) {
    QuietFlyway.on(db, "classpath:db/migration").migrate();
  }

  /** The store on {@code db} (already migrated), with no listener of committed events. */
  static JdbcJobStore store(DataSource db) {
    return store(db, new DefaultListableBeanFactory());
  }

  /**
   * The store on {@code db} (already migrated), telling {@code listener} what each commit wrote.
   */
  static JdbcJobStore store(DataSource db, CommittedEventListener listener) {
    DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
    beans.registerSingleton("listener", listener);
    return store(db, beans);
  }

  private static JdbcJobStore store(DataSource db, DefaultListableBeanFactory beans) {
    return new JdbcJobStore(
        JdbcClient.create(db),
        new TransactionTemplate(new DataSourceTransactionManager(db)),
        beans.getBeanProvider(CommittedEventListener.class),
        new Database(db));
  }

  /** A one-pod job of {@code true}, in {@code status}, after {@code parents}. */
  static NewJob job(String id, String owner, JobStatus status, List<String> parents) {
    return new NewJob(
        id,
        owner,
        id,
        null,
        status,
        null,
        5,
        Accessibility.PRIVATE,
        1,
        List.of("true"),
        null,
        null,
        null,
        Map.of(),
        Map.of(),
        Map.of(),
        parents,
        null,
        1);
  }

  /**
   * Ends running jobs {@code empty}, {@code files}, {@code togetherA} and {@code togetherB} (at
   * attempt 1) as successes: one storing its empty result manifest, one not (its job wrote result
   * files: the manifest listener takes it), then two in one transaction, only the first storing it.
   * Checks that each end's event, as {@code published} got it from the store's listener, says
   * whether its transaction stored the manifest, and that only those manifests are stored.
   */
  static void checkEndsSayWhetherTheyStoredTheirManifest(
      JdbcJobStore store,
      DataSource db,
      List<StoredEvent> published,
      String empty,
      String files,
      String togetherA,
      String togetherB) {
    published.clear();

    assertThat(store.transition(success(empty, true))).isPresent();
    assertThat(store.transition(success(files, false))).isPresent();
    assertThat(store.transitionAll(List.of(success(togetherA, true), success(togetherB, false))))
        .hasSize(2);

    assertThat(published)
        .extracting(e -> e.event().jobId() + ">" + e.event().toStatus() + ":" + e.resultsFinal())
        .containsExactly(
            empty + ">SUCCEEDED:true",
            files + ">SUCCEEDED:false",
            togetherA + ">SUCCEEDED:true",
            togetherB + ">SUCCEEDED:false");
    assertThat(
            JdbcClient.create(db)
                .sql("SELECT job_id FROM job_result_manifests ORDER BY job_id")
                .query(String.class)
                .list())
        .containsExactlyInAnyOrder(empty, togetherA);
  }

  /** The end of attempt 1 of {@code id} as a success, storing its empty result manifest or not. */
  private static Transition success(String id, boolean emptyManifest) {
    Instant now = Instant.now();
    return Transition.of(id, JobStatus.RUNNING, JobStatus.SUCCEEDED, Actor.EXECUTOR, null)
        .whileAttempt(1)
        .finishedAt(now)
        .also(
            tx -> {
              if (emptyManifest) {
                tx.emptyResultManifest(id, now);
              }
            });
  }
}
