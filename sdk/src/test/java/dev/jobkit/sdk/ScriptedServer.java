package dev.jobkit.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A local HTTP server that answers from a script (status, headers, body per request) and records
 * every request it got: for testing what the client does with failures.
 */
public final class ScriptedServer implements AutoCloseable {

  /** One scripted answer. */
  public record Answer(int status, Map<String, String> headers, String body, boolean holdOpen) {

    public Answer(int status, Map<String, String> headers, String body) {
      this(status, headers, body, false);
    }

    /**
     * An event stream that sends {@code body} and then stays open, sending nothing more, until the
     * client goes or the server closes.
     */
    public static Answer openStream(String body) {
      return new Answer(200, Map.of("Content-Type", "text/event-stream"), body, true);
    }

    /** No answer at all: the request is read and the connection held, silent, until the end. */
    public static Answer silence() {
      return new Answer(-1, Map.of(), "");
    }

    public static Answer json(int status, String body) {
      return new Answer(status, Map.of("Content-Type", "application/json"), body);
    }

    /** No answer at all: the connection is closed once the request has been read. */
    public static Answer drop() {
      return new Answer(0, Map.of(), "");
    }

    public static Answer problem(int status, String code) {
      return new Answer(
          status,
          Map.of("Content-Type", "application/problem+json", "X-Request-Id", "req_test"),
          "{\"status\":"
              + status
              + ",\"code\":\""
              + code
              + "\",\"detail\":\"scripted "
              + code
              + "\"}");
    }
  }

  /** One request as received. */
  public record Received(
      String method, String path, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  public ScriptedServer(Answer... answers) {
    script.addAll(List.of(answers));
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    // A thread per exchange: a stream held open must not keep the next request waiting.
    server.setExecutor(
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "scripted-server");
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(
        new Received(
            exchange.getRequestMethod(),
            exchange.getRequestURI().toString(),
            Map.copyOf(exchange.getRequestHeaders()),
            body));
    Answer answer;
    synchronized (script) {
      answer = script.size() > 1 ? script.poll() : script.peek();
    }
    if (answer.status() == -1) {
      try {
        closing.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("silent on purpose");
    }
    if (answer.status() == 0) {
      // The JDK's server closes the connection of a handler that fails, without answering.
      throw new IOException("dropped on purpose");
    }
    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    if (answer.holdOpen()) {
      exchange.sendResponseHeaders(answer.status(), 0);
      exchange.getResponseBody().write(bytes);
      exchange.getResponseBody().flush();
      try {
        closing.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  /** A port of this machine that nothing listens on (it was free a moment ago): a dead service. */
  public static int unusedPort() {
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      return free.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<Received> received() {
    return received;
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
  }
}
