package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.JobEvent;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The job store's writes, one at a time in this service: each runs in its own transaction under one
 * lock, writes the events it collected as its last step ({@link EventRows.Batch}), and hands them
 * to the {@link CommittedEventListener}s once it committed, still under the lock, so event ids are
 * seen in commit order.
 *
 * <p>Where several services share the database, their writes run side by side: a claim takes its
 * job's row with {@code FOR NO KEY UPDATE SKIP LOCKED} and its owner's lock ({@link JdbcJobStore}),
 * every move is a compare-and-swap on the job's status, and only the last step, taking event ids,
 * runs one service at a time. Two writes that lock rows in opposite orders are told apart by the
 * database (one of them fails with a deadlock); that one runs again, from the start.
 */
final class SerializedWrites {

  private static final Logger log = LoggerFactory.getLogger(SerializedWrites.class);

  /** How often a write that lost a deadlock runs again before the error is the caller's. */
  private static final int DEADLOCK_TRIES = 5;

  /** What a write returned, and the events it wrote. */
  record Written<T>(T result, List<StoredEvent> events) {}

  private final TransactionTemplate transactions;
  private final EventRows events;
  private final ObjectProvider<CommittedEventListener> listeners;
  // Resolved once every singleton exists: looking the listeners up on each write cost a tenth of
  // the engine's CPU. Until then (nothing is dispatched yet), they are looked up each time.
  private volatile List<CommittedEventListener> resolvedListeners;
  private final ReentrantLock lock = new ReentrantLock();

  SerializedWrites(
      TransactionTemplate transactions,
      EventRows events,
      ObjectProvider<CommittedEventListener> listeners) {
    this.transactions = transactions;
    this.events = events;
    this.listeners = listeners;
  }

  /** Looks the listeners up once, from now on: call it when every singleton exists. */
  void resolveListeners() {
    resolvedListeners = listeners.orderedStream().toList();
  }

  /** Runs {@code work}, which adds the events to write to the batch it is given. */
  <T> T write(Function<EventRows.Batch, T> work) {
    return writeWithEvents(work).result();
  }

  /** Runs {@code work}, which adds events to the batch it is given; the events as written. */
  List<JobEvent> writeEvents(Consumer<EventRows.Batch> work) {
    return writeWithEvents(
            batch -> {
              work.accept(batch);
              return null;
            })
        .events()
        .stream()
        .map(StoredEvent::event)
        .toList();
  }

  /** As {@link #write}, with the events written, as the listeners got them. */
  private <T> Written<T> writeWithEvents(Function<EventRows.Batch, T> work) {
    lock.lock();
    try {
      Written<T> written = null;
      for (int tries = 1; written == null; tries++) {
        try {
          written =
              transactions.execute(
                  status -> {
                    EventRows.Batch batch = events.batch();
                    T result = work.apply(batch);
                    return new Written<>(result, batch.write());
                  });
        } catch (PessimisticLockingFailureException e) {
          if (tries == DEADLOCK_TRIES) {
            throw e;
          }
          log.debug("a write lost a deadlock and runs again ({})", e.getMessage());
        }
      }
      List<StoredEvent> committed = written.events();
      if (!committed.isEmpty()) {
        List<CommittedEventListener> targets = resolvedListeners;
        (targets != null ? targets : listeners.orderedStream().toList())
            .forEach(l -> l.committed(committed));
      }
      return written;
    } finally {
      lock.unlock();
    }
  }
}
