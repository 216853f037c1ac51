package dev.jobkit.server.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service's side of the worker protocol as docs/workers.md describes it, kept in memory, for
 * the worker's own tests: it hands out the jobs a test queues, keeps the logs the way the service
 * does (bytes before the end are a resent chunk and skipped; an offset past it is refused), and
 * records every report. {@link #failEveryNthAppend} makes some appends fail with 503 after they
 * were written, as a lost answer.
 */
final class FakeService implements AutoCloseable {

  static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpServer server;
  final ConcurrentLinkedQueue<String> queued = new ConcurrentLinkedQueue<>();
  final Map<String, ByteArrayOutputStream> logs = new ConcurrentHashMap<>();
  final Map<String, byte[]> results = new ConcurrentHashMap<>();
  final List<String> calls = new CopyOnWriteArrayList<>();
  final Map<String, JsonNode> ends = new ConcurrentHashMap<>();
  final Map<String, JsonNode> transitions = new ConcurrentHashMap<>();
  final List<JsonNode> heartbeats = new CopyOnWriteArrayList<>();
  final ConcurrentLinkedQueue<String> cancel = new ConcurrentLinkedQueue<>();
  private final AtomicInteger appends = new AtomicInteger();
  volatile int failEveryNthAppend;
  volatile boolean expireNextHeartbeat;

  /** While set, every request's connection is closed unanswered: the service is away. */
  volatile boolean down;

  /** How many requests found it away. */
  final AtomicInteger refused = new AtomicInteger();

  private final AtomicInteger registrations = new AtomicInteger();

  FakeService() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues a job for the next claim, given as the claimed job's JSON members. */
  void queue(String claimedJobJson) {
    queued.add(claimedJobJson);
  }

  String log(String jobId, int pod) {
    ByteArrayOutputStream log = logs.get(jobId + "/" + pod);
    return log == null ? "" : log.toString(StandardCharsets.UTF_8);
  }

  int registrations() {
    return registrations.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    if (down) {
      refused.incrementAndGet();
      throw new IOException("away on purpose"); // the JDK's server closes the connection
    }
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    String query = exchange.getRequestURI().getRawQuery();
    byte[] body = exchange.getRequestBody().readAllBytes();
    calls.add(method + " " + path);
    String[] parts = path.split("/");
    try {
      if (method.equals("POST") && path.equals("/api/v1/internal/workers")) {
        int n = registrations.incrementAndGet();
        answer(
            exchange,
            201,
            "{\"id\":\"wkr_"
                + n
                + "\",\"name\":\"w\",\"slots\":4,\"claim_ttl_seconds\":3.0,"
                + "\"heartbeat_interval_seconds\":1.0}");
      } else if (method.equals("POST") && path.endsWith("/heartbeat")) {
        if (expireNextHeartbeat) {
          expireNextHeartbeat = false;
          problem(exchange, 410, "worker_expired");
          return;
        }
        heartbeats.add(JSON.readTree(body));
        List<String> stop = new ArrayList<>();
        for (String id; (id = cancel.poll()) != null; ) {
          stop.add("\"" + id + "\"");
        }
        answer(
            exchange,
            200,
            "{\"expires_at\":\"2030-01-01T00:00:00Z\",\"cancel\":["
                + String.join(",", stop)
                + "]}");
      } else if (method.equals("DELETE") && path.startsWith("/api/v1/internal/workers/")) {
        answer(exchange, 204, "");
      } else if (method.equals("POST") && path.equals("/api/v1/internal/jobs/claim")) {
        int max = JSON.readTree(body).get("max_jobs").asInt();
        List<String> jobs = new ArrayList<>();
        for (String job; jobs.size() < max && (job = queued.poll()) != null; ) {
          jobs.add(job);
        }
        answer(exchange, 200, "{\"jobs\":[" + String.join(",", jobs) + "]}");
      } else if (method.equals("POST") && path.endsWith("/acknowledge")) {
        answer(exchange, 200, "{}");
      } else if (method.equals("POST") && path.endsWith("/transition")) {
        transitions.put(parts[5], JSON.readTree(body));
        answer(exchange, 200, "{}");
      } else if (method.equals("POST") && parts.length == 9 && parts[8].equals("log")) {
        Map<String, String> params = new java.util.HashMap<>();
        for (String pair : query.split("&")) {
          params.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        if (!params.containsKey("worker_id")) {
          problem(exchange, 400, "validation_failed");
          return;
        }
        long offset = Long.parseLong(params.get("offset"));
        ByteArrayOutputStream log =
            logs.computeIfAbsent(parts[5] + "/" + parts[7], k -> new ByteArrayOutputStream());
        long size;
        synchronized (log) {
          if (offset > log.size()) {
            problem(exchange, 409, "log_gap");
            return;
          }
          int skip = (int) (log.size() - offset);
          if (skip < body.length) {
            log.write(body, skip, body.length - skip);
          }
          size = log.size();
        }
        int n = appends.incrementAndGet();
        if (failEveryNthAppend > 0 && body.length > 0 && n % failEveryNthAppend == 0) {
          problem(exchange, 503, "unavailable"); // written, but the answer says otherwise
          return;
        }
        answer(exchange, 200, "{\"size\":" + size + "}");
      } else if (method.equals("PUT") && path.contains("/results/")) {
        if (query == null || !query.startsWith("worker_id=")) {
          problem(exchange, 400, "validation_failed");
          return;
        }
        String relative =
            URLDecoder.decode(
                path.substring(path.indexOf("/results/") + "/results/".length()),
                StandardCharsets.UTF_8);
        results.put(parts[5] + ":" + relative, body);
        answer(exchange, 201, "{}");
      } else if (method.equals("POST") && (path.endsWith("/complete") || path.endsWith("/fail"))) {
        ObjectNodeWithKind end = new ObjectNodeWithKind(path.endsWith("/complete"), body);
        ends.put(parts[5], end.node());
        answer(exchange, 200, "{}");
      } else {
        problem(exchange, 404, "not_found");
      }
    } catch (RuntimeException e) {
      problem(exchange, 500, "internal");
    }
  }

  /** A complete's or fail's body, with {@code "call"} saying which it was. */
  private record ObjectNodeWithKind(boolean complete, byte[] body) {
    JsonNode node() {
      tools.jackson.databind.node.ObjectNode node =
          (tools.jackson.databind.node.ObjectNode) JSON.readTree(body);
      node.put("call", complete ? "complete" : "fail");
      return node;
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  private static void problem(HttpExchange exchange, int status, String code) throws IOException {
    byte[] bytes =
        ("{\"status\":" + status + ",\"code\":\"" + code + "\",\"detail\":\"fake " + code + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
