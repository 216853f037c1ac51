package dev.jobkit.server.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.sdk.webhooks.WebhookEvent;
import dev.jobkit.sdk.webhooks.WebhookVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP receiver of webhook deliveries on a free local port, whose answer a test sets: 204
 * ({@link Mode#ACCEPT}), 500 ({@link Mode#FAIL}) or none until {@link #close} or a later {@link
 * #answer} ({@link Mode#HANG}, then 503). It records every request it got and what it answered.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** How the receiver answers. */
  public enum Mode {
    ACCEPT,
    FAIL,
    HANG
  }

  /**
   * One request as it arrived.
   *
   * @param deliveryId its {@code Jobkit-Delivery} header
   * @param signature its {@code Jobkit-Signature} header
   * @param body its body
   * @param event the body as read
   * @param arrivedAt when it arrived
   * @param answered the status answered: 503 after a hang
   */
  public record Request(
      String deliveryId,
      String signature,
      byte[] body,
      WebhookEvent event,
      Instant arrivedAt,
      int answered) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger hanging = new AtomicInteger();
  private volatile Mode mode = Mode.ACCEPT;
  private volatile CountDownLatch release = new CountDownLatch(1);

  private WebhookReceiver(HttpServer server) {
    this.server = server;
  }

  /** A receiver on a free port of 127.0.0.1, answering 204. */
  public static WebhookReceiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
      WebhookReceiver receiver = new WebhookReceiver(server);
      server.createContext("/", receiver::handle);
      server.setExecutor(receiver.threads);
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where to point a webhook. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** A webhook of every transition {@code api}'s user may see, made to deliver here. */
  public Webhook subscribe(Api api) {
    return api.post("/api/v1/webhooks", "{\"url\":\"" + url() + "\"}")
        .expect(201)
        .as(Webhook.class);
  }

  /** Answers from now on as {@code mode}; requests hanging so far get a 204 now. */
  public void answer(Mode mode) {
    this.mode = mode;
    CountDownLatch hung = release;
    release = new CountDownLatch(1);
    hung.countDown();
  }

  /** How many requests are hanging now. */
  public int hanging() {
    return hanging.get();
  }

  /** Every request so far, in the order they arrived. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests answered with a 2xx, in the order they arrived. */
  public List<Request> accepted() {
    return requests.stream().filter(r -> r.answered() / 100 == 2).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Instant arrived = Instant.now();
      Mode now = mode;
      int status = now == Mode.FAIL ? 500 : 204;
      if (now == Mode.HANG) {
        CountDownLatch until = release;
        hanging.incrementAndGet();
        try {
          until.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          hanging.decrementAndGet();
        }
        // An answer, but a late one: if the sender still waits, it retries as it would after a
        // timeout, so that a delivery is accepted only from a receiver that did not hang.
        status = 503;
      }
      requests.add(
          new Request(
              exchange.getRequestHeaders().getFirst(WebhookVerifier.DELIVERY_HEADER),
              exchange.getRequestHeaders().getFirst(WebhookVerifier.SIGNATURE_HEADER),
              body,
              Api.JSON.readValue(body, WebhookEvent.class),
              arrived,
              status));
      exchange.sendResponseHeaders(status, -1);
    }
  }

  @Override
  public void close() {
    answer(Mode.ACCEPT);
    server.stop(0);
    threads.shutdownNow();
  }
}
