package dev.jobkit.server.store;

import dev.jobkit.server.DaemonThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Every event of the database, whichever service wrote it, once and in id order, to each {@link
 * Listener}: the live streams, the dispatcher's wake-ups, the webhooks.
 *
 * <p>On a database that is this service's alone (H2, or PostgreSQL without {@code
 * jobkit.datasource.shared}) this service writes every event: they are passed on as they commit.
 * Where services share a PostgreSQL database, a thread of its own holds a connection that listens
 * on the channel {@code jobkit_events}, which every transaction that writes events notifies at its
 * commit (V28); at each notification, and at least every {@value #POLL_MILLIS} ms should one be
 * missed, it reads the events after the last one it passed on. Event ids grow in commit order
 * ({@link EventRows}), so reading after an id never skips an event committed later. A connection
 * lost is opened again and the reading goes on from the same id: nothing is lost, only late.
 */
@Component
public class EventFeed implements CommittedEventListener, SmartLifecycle {

  /** Told about the events of every service, in id order. Must not block: queue and return. */
  public interface Listener {
    void published(List<StoredEvent> events);
  }

  private static final Logger log = LoggerFactory.getLogger(EventFeed.class);
  static final long POLL_MILLIS = 500;
  private static final int PAGE = 1000;

  private final DataSource dataSource;
  private final JobStore store;
  private final boolean shared;
  private final ObjectProvider<Listener> listenerProvider;
  private volatile List<Listener> listeners;
  private volatile boolean running;
  private Thread thread;
  private long cursor;

  EventFeed(
      DataSource dataSource,
      JobStore store,
      ServiceMembers members,
      ObjectProvider<Listener> listenerProvider) {
    this.dataSource = dataSource;
    this.store = store;
    this.shared = members.shared();
    this.listenerProvider = listenerProvider;
  }

  @Override
  public void committed(List<StoredEvent> events) {
    if (!shared) {
      publish(events);
    }
  }

  private void publish(List<StoredEvent> events) {
    List<Listener> targets = listeners;
    if (targets == null) {
      targets = listenerProvider.orderedStream().toList();
    }
    for (Listener l : targets) {
      try {
        l.published(events);
      } catch (RuntimeException e) {
        log.error("a listener of the event feed failed", e);
      }
    }
  }

  @Override
  public synchronized void start() {
    listeners = listenerProvider.orderedStream().toList();
    running = true;
    if (!shared) {
      return;
    }
    // Before the web server takes a subscription: every event after this point is passed on.
    cursor = store.lastEventId();
    thread = DaemonThreads.named("jobkit-event-feed").newThread(this::run);
    thread.start();
  }

  private void run() {
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        try (Statement listen = connection.createStatement()) {
          listen.execute("LISTEN jobkit_events");
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (running) {
          readAll();
          pg.getNotifications((int) POLL_MILLIS); // all notifications so far; at most one read
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        log.warn("the event feed lost its connection ({}); reading on from event {}", e, cursor);
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private void readAll() {
    List<StoredEvent> page;
    do {
      page = store.eventsAfter(cursor, PAGE);
      if (!page.isEmpty()) {
        cursor = page.get(page.size() - 1).event().id();
        publish(page);
      }
    } while (page.size() == PAGE && running);
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return -100; // before the engine and the web server start, after they stop
  }
}
