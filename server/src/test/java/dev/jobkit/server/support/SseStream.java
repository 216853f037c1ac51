package dev.jobkit.server.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A Server-Sent Events stream read line by line ({@code event:}, {@code id:}, {@code data:}, blank
 * line dispatches), with its events queued as they arrive so a test can wait for them.
 *
 * <pre>{@code
 * try (SseStream stream = api.stream("/api/v1/events/stream")) {
 *   List<SseStream.Event> events = stream.until(e -> e.data().contains("SUCCEEDED"), TIMEOUT);
 * }
 * }</pre>
 */
public final class SseStream implements AutoCloseable {

  /** One dispatched event; {@code name} is {@code message} when the server named none. */
  public record Event(String id, String name, String data) {
    public JsonNode json() {
      return Api.JSON.readTree(data);
    }
  }

  /** Queued when the server closed the stream. */
  private static final Event CLOSED = new Event(null, "<closed>", "");

  private final int status;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Stream<String> lines;
  private final Thread reader;
  private volatile boolean closedByServer;

  private SseStream(HttpResponse<Stream<String>> response) {
    this.status = response.statusCode();
    this.lines = response.body();
    this.reader = new Thread(this::read, "test-sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  static SseStream open(HttpClient http, HttpRequest request) {
    try {
      return new SseStream(http.send(request, HttpResponse.BodyHandlers.ofLines()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The HTTP status of the answer. */
  public int status() {
    return status;
  }

  private void read() {
    String id = null;
    String name = null;
    StringBuilder data = null;
    try {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(id, name == null ? "message" : name, data.toString()));
          }
          id = null;
          name = null;
          data = null;
          continue;
        }
        if (line.startsWith(":")) {
          continue; // comment
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        switch (field) {
          case "event" -> name = value;
          case "id" -> id = value;
          case "data" ->
              data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          default -> {}
        }
      }
    } catch (RuntimeException closedByUs) {
      // the stream was closed from this side, or the connection broke
    }
    closedByServer = true;
    events.add(CLOSED);
  }

  /** The next event, or an assertion error if none comes within {@code timeout} or it ended. */
  public Event next(Duration timeout) {
    try {
      Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (e == null) {
        throw new AssertionError("no server-sent event within " + timeout);
      }
      if (e == CLOSED) {
        events.add(CLOSED);
        throw new AssertionError("the stream ended before the expected event");
      }
      return e;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    }
  }

  /** Every event up to and including the first that matches {@code last}. */
  public List<Event> until(Predicate<Event> last, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Event> seen = new ArrayList<>();
    while (true) {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      Event e;
      try {
        e = next(left);
      } catch (AssertionError notYet) {
        throw new AssertionError(notYet.getMessage() + "; events so far: " + seen, notYet);
      }
      seen.add(e);
      if (last.test(e)) {
        return seen;
      }
    }
  }

  /** Waits until the server closes the stream; true if it did within {@code timeout}. */
  public boolean awaitClosedByServer(Duration timeout) {
    try {
      reader.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return closedByServer;
  }

  /** Events received and not yet taken. */
  public List<Event> pending() {
    List<Event> out = new ArrayList<>();
    for (Event e : events) {
      if (e != CLOSED) {
        out.add(e);
      }
    }
    return out;
  }

  @Override
  public void close() {
    lines.close();
  }
}
