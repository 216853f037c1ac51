package dev.jobkit.server.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A pass-through HTTP proxy in front of a real service that records every request ({@code "POST
 * /api/v1/jobs/…/stop"}) and can lose answers on purpose: for asserting what a client sent, and
 * what it does when an answer never arrives.
 */
public final class RecordingProxy implements AutoCloseable {

  private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection");
  private final HttpServer server;
  private final String target;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> requestsWithQuery = new CopyOnWriteArrayList<>();
  private final List<String> serviceAnswers = new CopyOnWriteArrayList<>();
  private volatile Predicate<String> loseAnswer = r -> false;
  private volatile boolean loseMatchesQuery;
  private final Set<java.io.InputStream> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public RecordingProxy(String targetBaseUrl) {
    this.target = targetBaseUrl;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::forward);
    // One thread per request: a long-lived event stream must not hold up the others.
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  /**
   * Forwards matching requests ({@code "METHOD path"}) to the service but answers the client 502,
   * as if the answer were lost on the way back.
   */
  public void loseAnswersOf(Predicate<String> request) {
    this.loseMatchesQuery = false;
    this.loseAnswer = request;
  }

  /**
   * As {@link #loseAnswersOf}, for requests told with their query string ({@code "POST
   * /api/v1/jobs/flush?scope=all&dry_run=false"}): for telling apart calls to the same path.
   */
  public void loseAnswersOfQueries(Predicate<String> requestWithQuery) {
    this.loseMatchesQuery = true;
    this.loseAnswer = requestWithQuery;
  }

  /** Drops every answer still streaming (an event stream, a log follow), as a network cut would. */
  public void cutStreams() {
    // Close what is read from the service, not the client's exchange: only the forwarding thread
    // may write to or close an exchange (its chunked stream is not thread-safe; closing it from
    // here could send a buffered chunk twice).
    for (java.io.InputStream upstream : open) {
      try {
        upstream.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  /** Every request so far, as {@code "METHOD path"} (query string excluded). */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** Every request so far, as {@code "METHOD path?query"} (the query as sent, if any). */
  public List<String> requestsWithQuery() {
    return List.copyOf(requestsWithQuery);
  }

  /**
   * What the service answered each request so far, as {@code "METHOD path?query -> status"}: the
   * service's status, also for the answers this proxy lost.
   */
  public List<String> serviceAnswers() {
    return List.copyOf(serviceAnswers);
  }

  /** How many requests so far had this method and a path ending in {@code suffix}. */
  public long count(String method, String suffix) {
    return requests.stream().filter(r -> r.startsWith(method + " ") && r.endsWith(suffix)).count();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void forward(HttpExchange exchange) throws IOException {
    String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
    String withQuery = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
    if (exchange.getRequestURI().getRawQuery() != null) {
      withQuery += "?" + exchange.getRequestURI().getRawQuery();
    }
    requests.add(request);
    requestsWithQuery.add(withQuery);
    HttpRequest.Builder out =
        HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
            .method(
                exchange.getRequestMethod(),
                HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                values.forEach(v -> out.header(name, v));
              }
            });
    try {
      HttpResponse<java.io.InputStream> answer =
          http.send(out.build(), HttpResponse.BodyHandlers.ofInputStream());
      serviceAnswers.add(withQuery + " -> " + answer.statusCode());
      if (loseAnswer.test(loseMatchesQuery ? withQuery : request)) {
        answer.body().close();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                  values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
              });
      exchange.sendResponseHeaders(answer.statusCode(), 0);
      try (var in = answer.body();
          var body = exchange.getResponseBody()) {
        open.add(in);
        byte[] buffer = new byte[8192];
        int n;
        try {
          while ((n = in.read(buffer)) >= 0) {
            body.write(buffer, 0, n);
            body.flush(); // streams (SSE) pass through as they come
          }
        } finally {
          open.remove(in);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException cut) {
      // the client, or cutStreams(), closed the answer
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
