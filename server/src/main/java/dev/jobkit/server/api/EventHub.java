package dev.jobkit.server.api;

import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.JobService;
import dev.jobkit.server.store.CommittedEventListener;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.StoredEvent;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Live events over Server-Sent Events, each named by its kind: {@code transition}, {@code renamed},
 * {@code accessibility_changed}. A client that listens for transitions only (an {@code
 * addEventListener("transition", …)}) is not shown a rename as if the job had moved. Each event
 * carries its id; a client that reconnects with {@code Last-Event-ID} first gets every visible
 * event committed after it, then the live ones, without gaps or repeats (ids grow in commit order).
 */
@Component
class EventHub implements CommittedEventListener {

  private static final int CATCH_UP_PAGE = 1000;

  private final JobStore store;
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final ExecutorService senders =
      Executors.newCachedThreadPool(DaemonThreads.named("jobkit-sse"));
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jobkit-sse-heartbeat"));

  EventHub(JobStore store) {
    this.store = store;
    heartbeats.scheduleAtFixedRate(this::heartbeat, 15, 15, TimeUnit.SECONDS);
  }

  /**
   * Streams the events visible to {@code caller}, of one job or all, after {@code lastEventId}. An
   * id above the newest event is taken as the newest: the stream goes on with the events to come
   * (taken as it is, it would skip every event up to it; a client may hold such an id when the job
   * of the newest events was deleted).
   */
  SseEmitter subscribe(Caller caller, String jobId, Long lastEventId) {
    Long after = lastEventId == null ? null : Math.min(lastEventId, store.lastEventId());
    SseEmitter emitter = new SseEmitter(0L);
    Subscription subscription = new Subscription(caller, jobId, emitter);
    emitter.onCompletion(() -> subscriptions.remove(subscription));
    emitter.onError(e -> subscriptions.remove(subscription));
    emitter.onTimeout(() -> subscriptions.remove(subscription));
    subscriptions.add(subscription);
    senders.execute(() -> subscription.start(after));
    return emitter;
  }

  @Override
  public void committed(List<StoredEvent> events) {
    for (Subscription s : subscriptions) {
      s.offer(events);
    }
  }

  private void heartbeat() {
    for (Subscription s : subscriptions) {
      senders.execute(s::ping);
    }
  }

  /**
   * Ends every stream as soon as the service begins to stop: the web server's graceful shutdown
   * waits for open requests, and an event stream never ends on its own.
   */
  @EventListener(ContextClosedEvent.class)
  void endStreams() {
    for (Subscription s : subscriptions) {
      subscriptions.remove(s);
      s.emitter.complete();
    }
  }

  @PreDestroy
  void close() {
    heartbeats.shutdownNow();
    subscriptions.forEach(s -> s.emitter.complete());
    senders.shutdownNow();
  }

  private final class Subscription {
    private final Caller caller;
    private final String jobId;
    private final SseEmitter emitter;
    private final Queue<StoredEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean live;
    private long lastSent;

    Subscription(Caller caller, String jobId, SseEmitter emitter) {
      this.caller = caller;
      this.jobId = jobId;
      this.emitter = emitter;
    }

    void start(Long lastEventId) {
      synchronized (this) {
        try {
          // Commits the answer now, replay or not: a client resuming when nothing happened since
          // its last event would otherwise see no answer at all until the next event.
          emitter.send(SseEmitter.event().comment("subscribed"));
          if (lastEventId != null) {
            lastSent = lastEventId;
            List<StoredEvent> page;
            do {
              page = store.eventsAfter(lastSent, CATCH_UP_PAGE);
              for (StoredEvent e : page) {
                send(e);
              }
            } while (page.size() == CATCH_UP_PAGE);
          }
        } catch (IOException | IllegalStateException gone) {
          subscriptions.remove(this);
          return;
        }
        live = true;
      }
      drain();
    }

    void offer(List<StoredEvent> events) {
      pending.addAll(events);
      if (live) {
        senders.execute(this::drain);
      }
    }

    private void drain() {
      if (!draining.compareAndSet(false, true)) {
        return;
      }
      try {
        synchronized (this) {
          StoredEvent e;
          while ((e = pending.poll()) != null) {
            send(e);
          }
        }
      } catch (IOException | IllegalStateException gone) {
        subscriptions.remove(this);
      } finally {
        draining.set(false);
      }
      if (!pending.isEmpty() && subscriptions.contains(this)) {
        senders.execute(this::drain);
      }
    }

    private void send(StoredEvent e) throws IOException {
      if (e.event().id() <= lastSent) {
        return;
      }
      lastSent = e.event().id();
      if (jobId != null && !jobId.equals(e.event().jobId())) {
        return;
      }
      if (!JobService.canSee(caller, e.owner(), e.accessibility())) {
        return;
      }
      emitter.send(
          SseEmitter.event()
              .id(Long.toString(e.event().id()))
              .name(e.event().kind().wireName())
              .data(e.event(), MediaType.APPLICATION_JSON));
    }

    void ping() {
      try {
        synchronized (this) {
          emitter.send(SseEmitter.event().comment("keepalive"));
        }
      } catch (IOException | IllegalStateException gone) {
        subscriptions.remove(this);
      }
    }
  }
}
