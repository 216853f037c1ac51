package dev.jobkit.server.webhooks;

import dev.jobkit.sdk.webhooks.WebhookVerifier;
import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.store.EventFeed;
import dev.jobkit.server.store.StoredEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Turns committed transitions into deliveries and sends them. One thread of its own matches new
 * events into delivery rows ({@link WebhookStore#matchEvents}) and hands the due ones to a pool of
 * {@code jobkit.webhooks.senders} threads, at most {@code per-webhook} of one webhook's at once and
 * one job's at a time in event order. The engine is never held up: it only tells this class that
 * events committed ({@link #committed}, which returns at once), and a receiver that hangs costs a
 * sender thread for {@code read-timeout} and nothing else.
 *
 * <p>Every state lives in the rows: after a restart (or a crash) the matcher resumes at its cursor
 * and the pending deliveries are sent again, each with its id in {@code Jobkit-Delivery} so that a
 * receiver can drop one it already had.
 */
@Component
class WebhookDispatcher implements EventFeed.Listener, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final int MATCH_BATCH = 500;

  private final WebhookStore store;
  private final WebhookSettings settings;
  private final Object httpLock = new Object();
  private HttpClient http; // guarded by httpLock
  private final Semaphore wake = new Semaphore(0);
  // Guarded by itself: what is being sent now, by delivery, by webhook and by webhook and job.
  private final Set<String> sending = new HashSet<>();
  private final Map<String, Integer> sendingPerWebhook = new HashMap<>();
  private final Set<String> sendingJobs = new HashSet<>();

  private volatile boolean running;
  private Instant lastPrune = Instant.EPOCH;
  private Thread loop;
  private ExecutorService senders;

  WebhookDispatcher(WebhookStore store, WebhookSettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /**
   * The client of the deliveries, made at the first: making one loads the default TLS context (the
   * trusted certificates), a share of every start that a service without webhooks never needs. Not
   * under this object's lock, which {@link #stop} holds while it waits for the senders.
   */
  private HttpClient http() {
    synchronized (httpLock) {
      if (http == null) {
        http =
            HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                // A 3xx is an answer like any other that is not 2xx: following it would let a
                // receiver send the service's request anywhere.
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
      }
      return http;
    }
  }

  @Override
  public void published(List<StoredEvent> events) {
    if (!store.knownNone()) { // with no webhook the loop has nothing to match: no wake per write
      wake();
    }
  }

  /** Looks for work now rather than at the next poll. Never blocks. */
  void wake() {
    if (wake.availablePermits() == 0) {
      wake.release();
    }
  }

  @Override
  public synchronized void start() {
    running = true;
    if (!settings.enabled()) {
      return;
    }
    senders =
        Executors.newFixedThreadPool(settings.senders(), DaemonThreads.named("webhook-sender"));
    loop = DaemonThreads.named("webhook-dispatcher").newThread(this::run);
    loop.start();
  }

  @Override
  public synchronized void stop() {
    running = false;
    wake();
    if (loop != null) {
      loop.interrupt();
      senders.shutdownNow();
      try {
        loop.join(5_000);
        senders.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void run() {
    while (running) {
      try {
        int matched = store.matchEvents(MATCH_BATCH);
        boolean more = matched == MATCH_BATCH;
        if (matched >= 0) { // else there is no webhook, and nothing to send
          sendDue();
        }
        prune();
        if (!more) {
          Duration wait = settings.pollInterval();
          Instant now = Instant.now();
          Instant next = matched < 0 ? null : store.nextDue(now).orElse(null);
          if (next != null && Duration.between(now, next).compareTo(wait) < 0) {
            wait = Duration.between(now, next);
          }
          if (wake.tryAcquire(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS)) {
            wake.drainPermits();
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        // A failure of the database: try again after a poll, and say so.
        log.warn("webhook dispatch failed; trying again in {}", settings.pollInterval(), e);
        try {
          Thread.sleep(settings.pollInterval().toMillis());
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** Deletes old finished deliveries, at most once per minute (or per keep-deliveries). */
  private void prune() {
    Instant now = Instant.now();
    Duration keep = settings.keepDeliveries();
    Duration every = keep.compareTo(Duration.ofMinutes(1)) < 0 ? keep : Duration.ofMinutes(1);
    if (Duration.between(lastPrune, now).compareTo(every) >= 0) {
      lastPrune = now;
      store.pruneBefore(now.minus(keep));
    }
  }

  private void sendDue() {
    int free;
    synchronized (sending) {
      free = settings.senders() - sending.size();
    }
    if (free <= 0) {
      return;
    }
    for (WebhookStore.Due due : store.due(Instant.now(), settings.senders() * 8)) {
      String job = due.webhookId() + "/" + due.jobId();
      synchronized (sending) {
        if (sending.size() >= settings.senders()) {
          return;
        }
        if (sending.contains(due.id())
            || sendingJobs.contains(job)
            || sendingPerWebhook.getOrDefault(due.webhookId(), 0) >= settings.perWebhook()) {
          continue;
        }
      }
      Instant now = Instant.now();
      if (!store.claim(
          due, now.plus(settings.connectTimeout()).plus(settings.readTimeout()).plusSeconds(5))) {
        continue;
      }
      synchronized (sending) {
        sending.add(due.id());
        sendingJobs.add(job);
        sendingPerWebhook.merge(due.webhookId(), 1, Integer::sum);
      }
      senders.execute(
          () -> {
            try {
              send(due);
            } finally {
              synchronized (sending) {
                sending.remove(due.id());
                sendingJobs.remove(job);
                sendingPerWebhook.computeIfPresent(
                    due.webhookId(), (k, n) -> n == 1 ? null : n - 1);
              }
              wake();
            }
          });
    }
  }

  private void send(WebhookStore.Due due) {
    Instant at = Instant.now();
    Integer status = null;
    String error;
    try {
      URI uri = URI.create(due.url());
      if (!settings.allows(uri.getHost())) {
        // The setting changed since the webhook was made: do not send, and do not retry.
        store.attempted(
            due.id(),
            at,
            null,
            "host " + uri.getHost() + " is not in jobkit.webhooks.allowed-hosts any more",
            null);
        return;
      }
      byte[] body = due.payload().getBytes(StandardCharsets.UTF_8);
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(settings.readTimeout())
              .header("Content-Type", "application/json")
              .header("User-Agent", "jobkit-webhooks")
              .header(
                  WebhookVerifier.SIGNATURE_HEADER,
                  WebhookVerifier.create(due.secret()).sign(at.getEpochSecond(), body))
              .header(WebhookVerifier.DELIVERY_HEADER, due.id())
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<InputStream> response =
          http().send(request, HttpResponse.BodyHandlers.ofInputStream());
      status = response.statusCode();
      // Only the status counts; the body is not read, so a receiver cannot hold the sender by
      // dribbling one.
      response.body().close();
      error = status / 100 == 2 ? null : "the receiver answered " + status;
    } catch (HttpTimeoutException e) {
      error = "no answer within " + settings.readTimeout().toSeconds() + " s: " + e.getMessage();
    } catch (IOException | IllegalArgumentException e) {
      error = "cannot send: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      // The service stops: the delivery stays pending as it was and goes out after the restart.
      Thread.currentThread().interrupt();
      return;
    }
    if (!running) {
      return;
    }
    store.attempted(due.id(), at, status, error, error == null ? null : retryAt(due, at));
  }

  /** When to try again after attempt {@code due.attempts() + 1} failed; null to give up. */
  private Instant retryAt(WebhookStore.Due due, Instant at) {
    Duration wait =
        WebhookBackoff.after(
            due.attempts() + 1,
            settings.backoffBase(),
            settings.backoffMax(),
            ThreadLocalRandom.current().nextDouble());
    Instant next = at.plus(wait);
    return next.isAfter(due.eventAt().plus(settings.giveUpAfter())) ? null : next;
  }
}
