package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.JobEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The job store's writes, one at a time in this service: each runs in a transaction under one lock,
 * writes the events it collected as its last step ({@link EventRows.Batch}), and hands them to the
 * {@link CommittedEventListener}s once it committed, still under the lock, so event ids are seen in
 * commit order. Writes that queued up while another committed share one transaction (a group
 * commit, {@link #writeWithEvents}): on PostgreSQL a durable commit is the cost of a write.
 *
 * <p>Where several services share the database, their writes run side by side: a claim takes its
 * job's row with {@code FOR NO KEY UPDATE SKIP LOCKED} and its owner's lock ({@link JdbcJobStore}),
 * every move is a compare-and-swap on the job's status, and only the last step, taking event ids,
 * runs one service at a time. Two writes that lock rows in opposite orders are told apart by the
 * database (one of them fails with a deadlock); that one runs again, from the start.
 */
final class SerializedWrites {

  private static final Logger log = LoggerFactory.getLogger(SerializedWrites.class);

  /** The most queued writes one transaction runs together. */
  static final int MAX_GROUP = 64;

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
  // The batch of the transaction running under the lock, for a write inside a write.
  private EventRows.Batch current;
  private final Queue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
  // Run first in a transaction of unflushed writes only ({@link #writeUnflushed}).
  private final Runnable unflushed;

  SerializedWrites(
      TransactionTemplate transactions,
      EventRows events,
      ObjectProvider<CommittedEventListener> listeners,
      Runnable unflushed) {
    this.transactions = transactions;
    this.events = events;
    this.listeners = listeners;
    this.unflushed = unflushed;
  }

  /** Looks the listeners up once, from now on: call it when every singleton exists. */
  void resolveListeners() {
    resolvedListeners = listeners.orderedStream().toList();
  }

  /** Runs {@code work}, which adds the events to write to the batch it is given. */
  <T> T write(Function<EventRows.Batch, T> work) {
    return writeWithEvents(work).result();
  }

  /**
   * Runs {@code work}, which writes no event, in a commit that does not wait for the database to
   * make it durable when it runs alone (what the database allows: PostgreSQL's {@code
   * synchronous_commit = off} for its transaction): for writes a crash may lose without harm. In a
   * group with other writes it shares their commit.
   */
  void writeUnflushed(Runnable work) {
    writeWithEvents(
        new Pending<>(
            batch -> {
              work.run();
              return null;
            },
            false,
            false,
            null),
        null);
  }

  /** Runs {@code work}, which adds events to the batch it is given; the events as written. */
  List<JobEvent> writeEvents(Consumer<EventRows.Batch> work) {
    return writeEvents(work, null, false, null);
  }

  /**
   * As {@link #writeEvents(Consumer)}, for {@code work} whose first statement goes through its
   * batch ({@link EventRows.Batch#query}) and whose other statements read none of the rows that
   * earlier writes of its transaction hold: those go ahead of it, in its first round trip, not in
   * one of their own. {@code queued} (if not null) runs on this thread once the write is in the
   * queue, before it waits for its turn: a write queued by then, by any thread, runs after this
   * one, in its transaction or a later one.
   *
   * <p>{@code lead}, when not null, is that first statement, known in advance (the work then sends
   * it through {@link EventRows.Batch#query(PendingStatements.Query)}): in a group, the leads of
   * consecutive such writes go in one round trip ({@link EventRows.Batch#queryAhead}), each after
   * the rows its predecessors hold so far but before the rest of their statements. So a lead must
   * not depend on what an earlier write does after its own lead.
   */
  List<JobEvent> writeTransitions(
      PendingStatements.Query<?> lead, Consumer<EventRows.Batch> work, Runnable queued) {
    return writeEvents(work, queued, true, lead);
  }

  private List<JobEvent> writeEvents(
      Consumer<EventRows.Batch> work,
      Runnable queued,
      boolean followsHeld,
      PendingStatements.Query<?> lead) {
    Pending<Void> pending =
        new Pending<>(
            batch -> {
              work.accept(batch);
              return null;
            },
            true,
            followsHeld,
            lead);
    return writeWithEvents(pending, queued).events().stream().map(StoredEvent::event).toList();
  }

  /**
   * As {@link #write}, with the events written, as the listeners got them. The write waits its turn
   * in the queue of this service's writes; whichever writer gets the lock runs every write queued
   * by then (at most {@link #MAX_GROUP}) in one transaction, so that writes that arrived while a
   * commit was being made durable share the next commit (a group commit): none is acknowledged
   * before the commit that holds it. A write that fails rolls its group back, and the group runs
   * again one write to a transaction, so a write's failure is its own.
   */
  private <T> Written<T> writeWithEvents(Function<EventRows.Batch, T> work) {
    return writeWithEvents(new Pending<>(work, true, false, null), null);
  }

  private <T> Written<T> writeWithEvents(Pending<T> mine, Runnable queued) {
    if (lock.isHeldByCurrentThread()) {
      // A write inside a write (in its transaction): runs at once, as part of it, after the rows
      // the outer one holds.
      if (queued != null) {
        queued.run();
      }
      if (current != null) {
        current.flushHeld();
      }
      return writeAlone(mine.work, true);
    }
    queue.add(mine);
    if (queued != null) {
      try {
        queued.run();
      } catch (RuntimeException e) {
        // The write is queued and runs whatever the callback did.
        log.error("a write's queued callback failed", e);
      }
    }
    lock.lock();
    try {
      while (!mine.done) {
        List<Pending<?>> group = new ArrayList<>();
        for (Pending<?> p; group.size() < MAX_GROUP && (p = queue.poll()) != null; ) {
          group.add(p);
        }
        runGroup(group);
      }
    } finally {
      lock.unlock();
    }
    if (mine.error != null) {
      throw mine.error;
    }
    return mine.written;
  }

  /** A write waiting in the queue, then what it returned or threw. */
  private static final class Pending<T> {
    final Function<EventRows.Batch, T> work;
    final boolean durable;
    // Whether the rows held by the writes before it in its group may wait for its first statement.
    final boolean followsHeld;
    // Its first statement, when known before it runs (writeTransitions), else null.
    final PendingStatements.Query<?> lead;
    T result;
    int firstEvent;
    int endEvent;
    Written<T> written;
    RuntimeException error;
    boolean done;

    Pending(
        Function<EventRows.Batch, T> work,
        boolean durable,
        boolean followsHeld,
        PendingStatements.Query<?> lead) {
      this.work = work;
      this.durable = durable;
      this.followsHeld = followsHeld;
      this.lead = lead;
    }

    void apply(EventRows.Batch batch) {
      if (!followsHeld) {
        batch.flushHeld();
      }
      firstEvent = batch.size();
      result = work.apply(batch);
      endEvent = batch.size();
    }

    void commitWith(List<StoredEvent> events) {
      written = new Written<>(result, events.subList(firstEvent, endEvent));
      done = true;
    }

    void runAlone(SerializedWrites writes) {
      try {
        written = writes.writeAlone(work, durable);
      } catch (RuntimeException e) {
        error = e;
      }
      done = true;
    }
  }

  /** Runs a group of queued writes, under the lock: one transaction if it can. */
  private void runGroup(List<Pending<?>> group) {
    try {
      if (group.size() == 1) {
        group.get(0).runAlone(this);
        return;
      }
      boolean durable = group.stream().anyMatch(p -> p.durable);
      List<StoredEvent> committed = null;
      for (int tries = 1; committed == null && tries <= DEADLOCK_TRIES; tries++) {
        try {
          committed =
              transactions.execute(
                  status -> {
                    if (!durable) {
                      unflushed.run();
                    }
                    EventRows.Batch batch = events.batch();
                    current = batch;
                    try {
                      for (int i = 0; i < group.size(); i++) {
                        queryLeadsAhead(group, i, batch);
                        group.get(i).apply(batch);
                      }
                      return batch.write();
                    } finally {
                      current = null;
                    }
                  });
        } catch (PessimisticLockingFailureException e) {
          log.debug("a group of writes lost a deadlock and runs again ({})", e.getMessage());
        } catch (RuntimeException e) {
          break; // one write failed: each runs alone, and only that one fails
        }
      }
      if (committed == null) {
        for (Pending<?> p : group) {
          p.runAlone(this);
        }
        return;
      }
      for (Pending<?> p : group) {
        p.commitWith(committed);
      }
      publish(committed);
    } finally {
      for (Pending<?> p : group) {
        if (!p.done) {
          p.error = new IllegalStateException("a write of its group failed unexpectedly");
          p.done = true;
        }
      }
    }
  }

  /**
   * Before the write at {@code index} of a group runs: if it and the writes after it have leads not
   * fetched yet, they go in one round trip (on PostgreSQL), after the rows held so far.
   */
  private static void queryLeadsAhead(List<Pending<?>> group, int index, EventRows.Batch batch) {
    PendingStatements.Query<?> lead = group.get(index).lead;
    if (lead == null || batch.fetched(lead)) {
      return; // none, or fetched with the writes before it (and so are the ones after it)
    }
    List<PendingStatements.Query<?>> leads = new ArrayList<>();
    for (int i = index; i < group.size() && group.get(i).lead != null; i++) {
      leads.add(group.get(i).lead);
    }
    batch.queryAhead(leads);
  }

  /**
   * One write in a transaction of its own (run again after a deadlock), under the lock; not {@code
   * durable}: a commit that need not wait to be durable.
   */
  private <T> Written<T> writeAlone(Function<EventRows.Batch, T> work, boolean durable) {
    lock.lock();
    try {
      Written<T> written = null;
      for (int tries = 1; written == null; tries++) {
        try {
          written =
              transactions.execute(
                  status -> {
                    if (!durable) {
                      unflushed.run();
                    }
                    EventRows.Batch outer = current;
                    EventRows.Batch batch = events.batch();
                    current = batch;
                    try {
                      T result = work.apply(batch);
                      return new Written<>(result, batch.write());
                    } finally {
                      current = outer;
                    }
                  });
        } catch (PessimisticLockingFailureException e) {
          if (tries == DEADLOCK_TRIES) {
            throw e;
          }
          log.debug("a write lost a deadlock and runs again ({})", e.getMessage());
        }
      }
      publish(written.events());
      return written;
    } finally {
      lock.unlock();
    }
  }

  /** Hands committed events to the listeners, still under the lock. */
  private void publish(List<StoredEvent> committed) {
    if (!committed.isEmpty()) {
      List<CommittedEventListener> targets = resolvedListeners;
      (targets != null ? targets : listeners.orderedStream().toList())
          .forEach(l -> l.committed(committed));
    }
  }
}
