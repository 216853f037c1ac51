package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.lifecycle.JobStatus;
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
}
