package dev.jobkit.server.api;

import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.JobReader;
import dev.jobkit.server.store.EventFeed;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.StoredEvent;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live events over Server-Sent Events, each named by its kind: {@code transition}, {@code renamed},
 * {@code accessibility_changed}, {@code acknowledged}. A client that listens for transitions only
 * (an {@code addEventListener("transition", …)}) is not shown a rename as if the job had moved.
 * Each event carries its id; a client that reconnects with {@code Last-Event-ID} first gets every
 * visible event committed after it, then the live ones, without gaps or repeats (ids grow in commit
 * order). Live events come from the {@link EventFeed}: where several services share a PostgreSQL
 * database, a stream on any of them carries the events that all of them write.
 *
 * <p>Each stream has its own bounded queue ({@link SseChannel}): a committed event is queued for
 * every subscriber without waiting for any socket, and a subscriber whose queue would grow past
 * {@code jobkit.api.stream-buffer} is dropped with a {@code dropped} event that names the id to
 * resume from. The catch-up after a {@code Last-Event-ID} reads the store a page at a time, the
 * next page only once the reader has taken the last one, on two threads shared by all streams.
 */
@Component
class EventHub implements EventFeed.Listener {

  private static final Logger log = LoggerFactory.getLogger(EventHub.class);

  private static final int CATCH_UP_PAGE = 1000;

  /** Live events held while a subscriber catches up; past this the store is read again. */
  private static final int HELD_WHILE_CATCHING_UP = 10_000;

  private final JobStore store;
  private final OpenStreams streams;
  private final JsonMapper json;
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final ExecutorService catchUp =
      Executors.newFixedThreadPool(2, DaemonThreads.named("jobkit-sse-catch-up"));

  EventHub(JobStore store, OpenStreams streams, JsonMapper json) {
    this.store = store;
    this.streams = streams;
    this.json = json;
  }

  /**
   * Streams the events visible to {@code caller}, of one job or all, after {@code lastEventId}, or
   * when none is given after the newest event now: the subscription point. The answer starts with
   * that point as an id of its own ({@code id: 42} with no data: it sets a client's last event id
   * without being an event), so a client whose connection drops before the first event resumes from
   * where it subscribed and misses nothing. An id above the newest event is taken as the newest:
   * the stream goes on with the events to come (taken as it is, it would skip every event up to it;
   * a client may hold such an id when the job of the newest events was deleted).
   *
   * <p>Every stream starts by catching up from its point (usually nothing to read), so an event
   * committed between reading the point and subscribing is read from the store instead of lost.
   */
  void subscribe(
      Caller caller,
      String jobId,
      Long lastEventId,
      HttpServletRequest request,
      HttpServletResponse response) {
    long newest = store.lastEventId();
    long after = lastEventId == null ? newest : Math.min(lastEventId, newest);
    SseChannel channel = streams.open(caller, request, response, Long.toString(after));
    Subscription subscription = new Subscription(caller, jobId, channel, after);
    channel.onClosed(() -> subscriptions.remove(subscription));
    // Commits the answer now, replay or not: a client resuming when nothing happened since its
    // last event would otherwise see no answer at all until the next event.
    channel.subscribedAt(Long.toString(after));
    subscriptions.add(subscription);
    channel.onDrained(subscription::catchUpSoon);
    subscription.catchUpSoon();
    if (!channel.isOpen()) {
      subscriptions.remove(subscription);
    }
  }

  @Override
  public void published(List<StoredEvent> events) {
    if (subscriptions.isEmpty()) {
      return;
    }
    // Each event is written once, whatever the number of subscribers.
    List<Encoded> encoded = new ArrayList<>(events.size());
    for (StoredEvent e : events) {
      encoded.add(new Encoded(e, json.writeValueAsBytes(e.event())));
    }
    for (Subscription s : subscriptions) {
      s.offer(encoded);
    }
  }

  @PreDestroy
  void close() {
    catchUp.shutdownNow();
  }

  private record Encoded(StoredEvent stored, byte[] json) {
    long id() {
      return stored.event().id();
    }
  }

  private final class Subscription {
    private final Caller caller;
    private final String jobId;
    private final SseChannel channel;
    private final AtomicBoolean stepQueued = new AtomicBoolean();
    private final List<Encoded> held = new ArrayList<>();

    /** The newest event id queued (or skipped as not this subscriber's). */
    private long lastQueued;

    private boolean live;

    /** Live events were let go while catching up: the store has them, read it once more. */
    private boolean heldOverflowed;

    Subscription(Caller caller, String jobId, SseChannel channel, long after) {
      this.caller = caller;
      this.jobId = jobId;
      this.channel = channel;
      this.lastQueued = after;
    }

    synchronized void offer(List<Encoded> events) {
      if (!live) {
        if (held.size() + events.size() > HELD_WHILE_CATCHING_UP) {
          held.clear();
          heldOverflowed = true;
        } else {
          held.addAll(events);
        }
        return;
      }
      for (Encoded e : events) {
        if (!queue(e, false)) {
          return;
        }
      }
    }

    /**
     * Queues the event if it is new and this subscriber's; false if the reader was dropped for it.
     * A catch-up page is queued whole ({@code paged}): its size is bounded, and the next page waits
     * until the reader has taken it.
     */
    private boolean queue(Encoded e, boolean paged) {
      if (e.id() <= lastQueued) {
        return true;
      }
      lastQueued = e.id();
      StoredEvent stored = e.stored();
      if (jobId != null && !jobId.equals(stored.event().jobId())) {
        return true;
      }
      if (!JobReader.canSee(caller, stored.owner(), stored.accessibility())) {
        return true;
      }
      if (!paged && e.json().length > channel.room()) {
        streams.drop(channel, streams.overflowReason());
        return false;
      }
      channel.send(Long.toString(e.id()), stored.event().kind().wireName(), e.json());
      return true;
    }

    void catchUpSoon() {
      if (stepQueued.compareAndSet(false, true)) {
        try {
          catchUp.execute(
              () -> {
                stepQueued.set(false);
                catchUpStep();
              });
        } catch (RejectedExecutionException stopping) {
          stepQueued.set(false);
        }
      }
    }

    /** Queues the next page of stored events; becomes live after the last one. */
    private void catchUpStep() {
      long from;
      synchronized (this) {
        if (live || !channel.isOpen()) {
          return;
        }
        from = lastQueued;
      }
      List<StoredEvent> page;
      try {
        page = store.eventsAfter(from, CATCH_UP_PAGE);
      } catch (RuntimeException e) {
        log.warn("reading the events a stream missed failed; the stream is closed", e);
        channel.close();
        return;
      }
      synchronized (this) {
        for (StoredEvent e : page) {
          queue(new Encoded(e, json.writeValueAsBytes(e.event())), true);
        }
        if (page.size() < CATCH_UP_PAGE && !heldOverflowed) {
          for (Encoded e : held) {
            queue(e, true);
          }
          held.clear();
          live = true;
          return;
        }
        heldOverflowed = false;
      }
      // Another page: now if the reader has taken everything (or nothing of it was visible),
      // else once it has (the channel's drained callback).
      if (channel.queuedBytes() == 0) {
        catchUpSoon();
      }
    }
  }
}
