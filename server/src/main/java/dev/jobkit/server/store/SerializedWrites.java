package dev.jobkit.server.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The job store's writes, one at a time: each runs in its own transaction under one lock, and the
 * events it collects are handed to the {@link CommittedEventListener}s once it committed, still
 * under the lock, so event ids are seen in commit order.
 *
 * <p>Where several services share the database, each transaction first takes the database's event
 * order ({@link EventRows#lockOrder}), so writes of all services run one at a time as well: no two
 * of them can wait for each other's rows (a cascade moving many jobs would otherwise deadlock with
 * another service's move of one of them), and a count read at the start of one still holds at its
 * commit.
 */
final class SerializedWrites {

  private final TransactionTemplate transactions;
  private final ObjectProvider<CommittedEventListener> listeners;
  // Resolved once every singleton exists: looking the listeners up on each write cost a tenth of
  // the engine's CPU. Until then (nothing is dispatched yet), they are looked up each time.
  private volatile List<CommittedEventListener> resolvedListeners;
  private final ReentrantLock lock = new ReentrantLock();
  private final Runnable atStart;

  SerializedWrites(
      TransactionTemplate transactions,
      ObjectProvider<CommittedEventListener> listeners,
      Runnable atStart) {
    this.transactions = transactions;
    this.listeners = listeners;
    this.atStart = atStart;
  }

  /** Looks the listeners up once, from now on: call it when every singleton exists. */
  void resolveListeners() {
    resolvedListeners = listeners.orderedStream().toList();
  }

  /** Runs {@code work}, which adds the events to publish to the list it is given. */
  <T> T write(Function<List<StoredEvent>, T> work) {
    lock.lock();
    try {
      List<StoredEvent> published = new ArrayList<>();
      T result =
          transactions.execute(
              status -> {
                atStart.run();
                return work.apply(published);
              });
      if (!published.isEmpty()) {
        List<StoredEvent> events = List.copyOf(published);
        List<CommittedEventListener> targets = resolvedListeners;
        (targets != null ? targets : listeners.orderedStream().toList())
            .forEach(l -> l.committed(events));
      }
      return result;
    } finally {
      lock.unlock();
    }
  }
}
