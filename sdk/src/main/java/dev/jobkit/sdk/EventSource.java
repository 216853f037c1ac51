package dev.jobkit.sdk;

import dev.jobkit.sdk.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Server-Sent Events connection that reconnects after a dropped connection with the last event id
 * it saw (or the subscription point the service sent before any event), so nothing is missed. Runs
 * on its own daemon thread until closed or until the handler says the stream has ended.
 */
final class EventSource implements AutoCloseable {

  /** One event as it arrived. */
  public record Event(String id, String name, String data) {}

  /** What the handler wants next. */
  public enum Next {
    CONTINUE,
    STOP
  }

  /** Silence after which a connection is taken for dead: three of the service's keep-alives. */
  static final Duration IDLE_LIMIT = Duration.ofSeconds(45);

  /** The shortest wait between two connections, whatever the retry policy says. */
  private static final Duration MIN_RECONNECT_WAIT = Duration.ofMillis(100);

  private static final System.Logger LOG = System.getLogger(EventSource.class.getName());

  private final JobkitClient client;
  private final Function<String, URI> uriForLastId;
  private final Function<Event, Next> handler;
  private final Consumer<JobkitException> onFailure;
  private final StreamListener listener;
  private final Thread thread;
  private volatile boolean closed;
  private volatile String lastId;
  private volatile Stream<String> current;
  private volatile URI currentUri;
  private volatile long lastHeardNanos = System.nanoTime();
  private final java.util.concurrent.CountDownLatch opened =
      new java.util.concurrent.CountDownLatch(1);

  /**
   * @param uriForLastId the URI to (re)connect to, given the last event id seen (or null)
   * @param handler called for every event, on the stream's thread; what it throws is reported to
   *     the client's {@link StreamListener} and the stream goes on
   * @param onFailure called once if the stream gives up (the service refuses it, or the client is
   *     closed)
   */
  EventSource(
      JobkitClient client,
      Function<String, URI> uriForLastId,
      String initialLastId,
      Function<Event, Next> handler,
      Consumer<JobkitException> onFailure) {
    this.client = client;
    this.uriForLastId = uriForLastId;
    this.lastId = initialLastId;
    this.handler = handler;
    this.onFailure = onFailure;
    this.listener = client.streamListener();
    this.thread = new Thread(this::run, "jobkit-sse");
    thread.setDaemon(true);
    if (!client.opened(this)) {
      closed = true;
      onFailure.accept(JobkitClient.closedFailure());
      opened.countDown();
      return;
    }
    thread.start();
  }

  private void run() {
    int failures = 0;
    try {
      while (!closed) {
        try {
          if (connectOnce() == Next.STOP) {
            return;
          }
          failures = 0;
        } catch (JobkitException refused) {
          if (!refused.isRetryable()) {
            tell(() -> listener.onFailure(currentUri, refused, false));
            onFailure.accept(refused);
            opened.countDown();
            return;
          }
          failures++;
          opened.countDown(); // whoever waits for the first connection learns it failed
          tell(() -> listener.onFailure(currentUri, refused, true));
        } catch (IOException | UncheckedIOException dropped) {
          failures++;
          opened.countDown();
          if (!closed) {
            TransportException failure = new TransportException(describe(dropped), dropped);
            tell(() -> listener.onFailure(currentUri, failure, true));
          }
        } catch (InterruptedException e) {
          return;
        }
        if (closed) {
          return;
        }
        try {
          client.sleeper().sleep(reconnectWait(failures));
        } catch (InterruptedException e) {
          return;
        }
      }
    } finally {
      client.closed(this);
      tell(() -> listener.onClosed(currentUri));
    }
  }

  /**
   * The wait before connecting again after {@code failures} failures in a row: the client's retry
   * backoff, but never under 100 ms, so that even {@link RetryPolicy#none()} does not spin.
   */
  private Duration reconnectWait(int failures) {
    Duration wait = Backoffs.of(client.retryPolicy(), Math.max(1, failures));
    return wait.compareTo(MIN_RECONNECT_WAIT) < 0 ? MIN_RECONNECT_WAIT : wait;
  }

  private static String describe(Exception dropped) {
    String message = dropped.getMessage();
    return "the stream's connection failed: "
        + (message == null || message.isBlank() ? dropped.getClass().getSimpleName() : message);
  }

  /** Tells the listener; what it throws is ignored, as its contract says. */
  private static void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException ignored) {
      LOG.log(System.Logger.Level.DEBUG, "a StreamListener threw", ignored);
    }
  }

  /** Runs the handler; what it throws is reported and the stream goes on. */
  private Next handle(Event event) {
    try {
      return handler.apply(event);
    } catch (RuntimeException e) {
      // Logged as a warning unless the client has a listener to tell, whose business it is then.
      LOG.log(
          listener == StreamListener.NONE ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
          "a stream's callback threw; the stream goes on",
          e);
      tell(() -> listener.onCallbackFailure(currentUri, e));
      return Next.CONTINUE;
    }
  }

  /**
   * Closes the connection if nothing, not even a keep-alive, came for {@code limit} ({@link
   * #IDLE_LIMIT} but in tests): the reader then reconnects. Called by the client's watchdog.
   */
  void closeIfSilent(long nowNanos, Duration limit) {
    Stream<String> lines = current;
    if (lines != null && nowNanos - lastHeardNanos > limit.toNanos()) {
      lastHeardNanos = nowNanos;
      lines.close();
    }
  }

  private Next connectOnce() throws IOException, InterruptedException {
    currentUri = uriForLastId.apply(lastId);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(currentUri)
            .header("Accept", "text/event-stream")
            .header("User-Agent", client.userAgent());
    if (client.apiKey() != null) {
      request.header("Authorization", "Bearer " + client.apiKey());
    }
    if (lastId != null) {
      request.header("Last-Event-ID", lastId);
    }
    HttpResponse<Stream<String>> response =
        client.http().send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      String body;
      try (Stream<String> lines = response.body()) {
        body = String.join("\n", (Iterable<String>) lines::iterator);
      }
      throw errorOf(response, body);
    }
    try (Stream<String> lines = response.body()) {
      lastHeardNanos = System.nanoTime();
      current = lines;
      // The service registers a subscriber before it answers, so from here nothing is missed.
      opened.countDown();
      tell(() -> listener.onOpen(currentUri));
      if (closed) {
        return Next.STOP;
      }
      Iterator<String> it = lines.iterator();
      String id = null;
      String name = null;
      StringBuilder data = new StringBuilder();
      while (it.hasNext()) {
        String line = it.next();
        lastHeardNanos = System.nanoTime();
        if (line.isEmpty()) {
          if (!data.isEmpty() || name != null) {
            Event event = new Event(id, name == null ? "message" : name, data.toString());
            if (id != null) {
              lastId = id;
            }
            if (handle(event) == Next.STOP) {
              return Next.STOP;
            }
          } else if (id != null) {
            // An id with no data is no event, but a point to resume from: the service starts
            // every event stream with its subscription point.
            lastId = id;
          }
          id = null;
          name = null;
          data.setLength(0);
        } else if (line.startsWith(":")) {
          continue; // comment: a keep-alive
        } else {
          int colon = line.indexOf(':');
          String field = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1);
          if (value.startsWith(" ")) {
            value = value.substring(1);
          }
          switch (field) {
            case "id" -> id = value;
            case "event" -> name = value;
            case "data" -> {
              if (!data.isEmpty()) {
                data.append('\n');
              }
              data.append(value);
            }
            default -> {
              // retry and unknown fields are ignored
            }
          }
        }
      }
    }
    if (closed) {
      return Next.STOP;
    }
    throw new IOException("the event stream ended without its end event");
  }

  private static JobkitException errorOf(HttpResponse<?> response, String body) {
    JsonMapper json = Json.MAPPER;
    dev.jobkit.sdk.Problem problem;
    try {
      problem = json.readValue(body.getBytes(StandardCharsets.UTF_8), dev.jobkit.sdk.Problem.class);
    } catch (RuntimeException notJson) {
      problem =
          new dev.jobkit.sdk.Problem(
              null, null, response.statusCode(), body, null, null, null, null, null, null);
    }
    return ProblemDecoder.toException(
        response.statusCode(),
        problem,
        response.headers().firstValue("X-Request-Id").orElse(null),
        response.headers().firstValue("Retry-After").orElse(null));
  }

  /**
   * Waits until the first connection is open, or has failed (the stream goes on trying), at most
   * {@code timeout}; true if either happened in time.
   */
  public boolean awaitOpen(Duration timeout) {
    try {
      return opened.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The id of the last event received, to resume from. */
  public String lastId() {
    return lastId;
  }

  /** Waits for the stream's thread to finish, at most {@code timeout}; true if it did. */
  public boolean join(Duration timeout) throws InterruptedException {
    thread.join(Math.max(1, timeout.toMillis()));
    return !thread.isAlive();
  }

  /** Closes the stream because its client closes: whoever waits on it fails with "closed". */
  void closeWithClient() {
    if (!closed) {
      close();
      onFailure.accept(JobkitClient.closedFailure());
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Stream<String> lines = current;
    if (lines != null) {
      lines.close();
    }
    thread.interrupt();
  }
}
