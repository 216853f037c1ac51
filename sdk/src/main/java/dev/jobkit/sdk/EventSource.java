package dev.jobkit.sdk;

import dev.jobkit.sdk.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
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

  private final HttpClient http;
  private final Function<String, URI> uriForLastId;
  private final String apiKey;
  private final Function<Event, Next> handler;
  private final Consumer<JobkitException> onFailure;
  private final Thread thread;
  private volatile boolean closed;
  private volatile String lastId;
  private volatile Stream<String> current;
  private final java.util.concurrent.CountDownLatch opened =
      new java.util.concurrent.CountDownLatch(1);

  /**
   * @param uriForLastId the URI to (re)connect to, given the last event id seen (or null)
   * @param handler called for every event, on the stream's thread
   * @param onFailure called once if the stream gives up (the service refuses it)
   */
  public EventSource(
      HttpClient http,
      Function<String, URI> uriForLastId,
      String apiKey,
      String initialLastId,
      Function<Event, Next> handler,
      Consumer<JobkitException> onFailure) {
    this.http = http;
    this.uriForLastId = uriForLastId;
    this.apiKey = apiKey;
    this.lastId = initialLastId;
    this.handler = handler;
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, "jobkit-sse");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    int failures = 0;
    while (!closed) {
      try {
        if (connectOnce() == Next.STOP) {
          return;
        }
        failures = 0;
      } catch (JobkitException refused) {
        if (!refused.isRetryable()) {
          onFailure.accept(refused);
          opened.countDown();
          return;
        }
        failures++;
      } catch (IOException | UncheckedIOException dropped) {
        failures++;
      } catch (InterruptedException e) {
        return;
      }
      if (closed) {
        return;
      }
      try {
        Thread.sleep(Math.min(5000, 100L * (1L << Math.min(failures, 6))));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private Next connectOnce() throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uriForLastId.apply(lastId)).header("Accept", "text/event-stream");
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    if (lastId != null) {
      request.header("Last-Event-ID", lastId);
    }
    HttpResponse<Stream<String>> response =
        http.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      String body;
      try (Stream<String> lines = response.body()) {
        body = String.join("\n", (Iterable<String>) lines::iterator);
      }
      throw errorOf(response, body);
    }
    try (Stream<String> lines = response.body()) {
      current = lines;
      // The service registers a subscriber before it answers, so from here nothing is missed.
      opened.countDown();
      if (closed) {
        return Next.STOP;
      }
      Iterator<String> it = lines.iterator();
      String id = null;
      String name = null;
      StringBuilder data = new StringBuilder();
      while (it.hasNext()) {
        String line = it.next();
        if (line.isEmpty()) {
          if (!data.isEmpty() || name != null) {
            Event event = new Event(id, name == null ? "message" : name, data.toString());
            if (id != null) {
              lastId = id;
            }
            if (handler.apply(event) == Next.STOP) {
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
   * Waits until the first connection is open (or refused), at most {@code timeout}; true if it
   * opened or was refused in time.
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

  @Override
  public void close() {
    closed = true;
    Stream<String> lines = current;
    if (lines != null) {
      lines.close();
    }
    thread.interrupt();
  }
}
