package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.PostgresDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generated requests against every route the service maps (read from its handler mapping, so a new
 * endpoint is fuzzed without being listed here) and the probes and paths around them: each
 * parameter, header and body field gets ordinary and hostile values (wrong JSON types, huge
 * strings, NUL, lone surrogates, out-of-range numbers and dates, tampered cursors, bad path
 * segments, malformed HTTP). Every answer must be a success or a problem document ({@code
 * application/problem+json} with a {@code code}), and none a 5xx, on H2 and on PostgreSQL.
 *
 * <p>Requests go over a plain socket, so that malformed ones reach the server as written. The run
 * is seeded: {@code -Djobkit.fuzz.seed=N} repeats one (the seed is printed with every failure),
 * {@code -Djobkit.fuzz.requests=N} sizes it. The totals are printed at the end.
 *
 * <p>Over 400 lines: the routes, the requests, a small HTTP client of its own (malformed requests
 * cannot go through {@code java.net.http}) and the checks are one procedure, read top to bottom.
 */
class ApiFuzzIT {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long SEED = Long.getLong("jobkit.fuzz.seed", 20_261_202L);
  private static final int REQUESTS = Integer.getInteger("jobkit.fuzz.requests", 1_500);
  private static final int SOCKET_TIMEOUT_MILLIS = 30_000;

  private static final AtomicLong sent = new AtomicLong();
  private static final AtomicLong serverErrors = new AtomicLong();
  private static final AtomicLong notProblems = new AtomicLong();
  private static final Map<Integer, Long> statuses = new TreeMap<>();

  /**
   * A service of the class's own: the requests stop, delete and flush whatever the admin can reach.
   */
  @RegisterExtension static final JobkitService h2 = JobkitService.own();

  @Test
  void on_h2_every_generated_request_gets_a_success_or_a_problem_document_and_never_a_5xx()
      throws Exception {
    fuzz("H2", h2.server());
  }

  @Test
  void on_postgresql_every_generated_request_gets_a_success_or_a_problem_document_and_never_a_5xx()
      throws Exception {
    try (PostgresDatabase database = PostgresDatabase.create();
        JobkitServer server = JobkitServer.start(database.serverArgs())) {
      fuzz("PostgreSQL", server);
    }
  }

  private static final TreeMap<Long, String> slowest = new TreeMap<>();

  private static synchronized void slowest(String database, long nanos, Request request) {
    slowest.put(nanos / 1_000_000, database + " " + cut(request.describe(), 200));
    if (slowest.size() > 5) {
      slowest.pollFirstEntry();
    }
  }

  @AfterAll
  static void printTotals() {
    System.out.println("ApiFuzzIT: slowest answers (ms): " + slowest.descendingMap());
    byRoute.forEach(
        (route, counts) ->
            System.out.printf(
                "ApiFuzzIT:   %-45s %4d sent: %d 2xx, %d 4xx, %d 5xx%n",
                route,
                counts[1] + counts[2] + counts[3] + counts[4] + counts[5] + counts[0],
                counts[2],
                counts[4],
                counts[5]));
    System.out.printf(
        "ApiFuzzIT: %d requests sent, %d answered 5xx, %d errors without a problem document"
            + " (seed %d); statuses %s%n",
        sent.get(), serverErrors.get(), notProblems.get(), SEED, statuses);
  }

  private void fuzz(String database, JobkitServer server) throws Exception {
    Random random = new Random(SEED ^ database.hashCode());
    FuzzInputs in = new FuzzInputs(random);
    Fixtures fixtures = new Fixtures(server, in);
    List<Route> routes = routes(server);
    assertThat(routes).as("routes found in the handler mapping").hasSizeGreaterThan(10);
    // The OpenAPI document is generated once, at its first request: seconds of CPU that a machine
    // busy with other test classes can stretch past the fuzz's 30 s limit for one answer. That
    // one-time cost is not what is fuzzed here, so it is paid first.
    new Api(server.baseUrl(), JobkitServer.ADMIN_KEY).get("/api/v1/openapi.json").expect(200);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      if (i % 150 == 0) {
        fixtures.refresh();
      }
      Request request = in.chance(0.08) ? rawRequest(in, fixtures) : request(in, routes, fixtures);
      long started = System.nanoTime();
      Answer answer = send(server.port(), request);
      slowest(database, System.nanoTime() - started, request);
      record(database, i, request, answer, failures, in);
    }
    assertThat(failures)
        .as(
            "answers on %s that were 5xx or not problem documents (seed %d; %d shown)",
            database, SEED, Math.min(failures.size(), 20))
        .isEmpty();
  }

  // ---- routes ----

  /** A mapped route: its path pattern, methods, parameters, headers and body type. */
  record Route(
      String pattern,
      List<String> methods,
      List<String> parameters,
      List<String> headers,
      Type body,
      boolean stream) {}

  private static List<Route> routes(JobkitServer server) {
    // The application's mapping (the actuator has one of the same type): the one the dispatcher
    // servlet uses, initialized by the fixtures' requests.
    List<Map.Entry<RequestMappingInfo, HandlerMethod>> handlers = new ArrayList<>();
    for (HandlerMapping mapping : server.bean(DispatcherServlet.class).getHandlerMappings()) {
      if (mapping instanceof RequestMappingHandlerMapping requestMappings) {
        handlers.addAll(requestMappings.getHandlerMethods().entrySet());
      }
    }
    List<Route> routes = new ArrayList<>();
    for (Map.Entry<RequestMappingInfo, HandlerMethod> e : handlers) {
      RequestMappingInfo info = e.getKey();
      List<String> methods =
          info.getMethodsCondition().getMethods().stream().map(Enum::name).toList();
      List<String> parameters = new ArrayList<>();
      List<String> headers = new ArrayList<>();
      Type body = null;
      for (MethodParameter p : e.getValue().getMethodParameters()) {
        p.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
        RequestParam param = p.getParameterAnnotation(RequestParam.class);
        RequestHeader header = p.getParameterAnnotation(RequestHeader.class);
        if (param != null) {
          parameters.add(param.name().isEmpty() ? p.getParameterName() : param.name());
        } else if (header != null) {
          headers.add(header.name().isEmpty() ? p.getParameterName() : header.name());
        } else if (p.hasParameterAnnotation(RequestBody.class)) {
          body = p.getGenericParameterType();
        } else if (p.hasParameterAnnotation(PathVariable.class)) {
          // filled in from the pattern
        }
      }
      boolean stream =
          info.getProducesCondition()
              .getProducibleMediaTypes()
              .contains(MediaType.TEXT_EVENT_STREAM);
      for (String pattern : info.getPatternValues()) {
        routes.add(
            new Route(
                pattern,
                methods.isEmpty() ? List.of("GET", "POST") : methods,
                parameters,
                headers,
                body,
                stream));
      }
    }
    for (String probe :
        List.of("/healthz", "/livez", "/readyz", "/metrics", "/healthz/liveness", "/nowhere")) {
      routes.add(new Route(probe, List.of("GET"), List.of(), List.of(), null, false));
    }
    return routes;
  }

  // ---- requests ----

  /** One HTTP request as sent: everything but the body is text of the request head. */
  record Request(
      String route,
      String method,
      String target,
      List<String[]> headers,
      byte[] body,
      boolean stream) {

    String describe() {
      StringBuilder s = new StringBuilder(method).append(' ').append(cut(target, 300));
      for (String[] h : headers) {
        s.append(" | ").append(h[0]).append(": ").append(cut(h[1], 80));
      }
      if (body != null) {
        s.append(" | body ")
            .append(body.length)
            .append(" bytes: ")
            .append(cut(new String(body, StandardCharsets.UTF_8), 300));
      }
      return s.toString();
    }
  }

  private Request request(FuzzInputs in, List<Route> routes, Fixtures fixtures) {
    Route route = in.oneOf(routes);
    if (route.body() == null && in.chance(0.3)) {
      // Routes with a body have more to vary: they get a larger share of the requests.
      route = in.oneOf(routes.stream().filter(r -> r.body() != null).toList());
    }
    String method =
        in.chance(0.9)
            ? in.oneOf(route.methods())
            : in.oneOf("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE");
    StringBuilder target = new StringBuilder();
    for (String part : route.pattern().split("/", -1)) {
      if (target.length() > 0 || !part.isEmpty()) {
        target.append('/');
      }
      if (part.startsWith("{")) {
        target.append(in.pathSegment(part.replaceAll("[{}*]", "")));
      } else {
        target.append(part);
      }
    }
    if (target.isEmpty()) {
      target.append('/');
    }
    List<String> query = new ArrayList<>();
    for (String parameter : route.parameters()) {
      if (in.chance(0.5)) {
        int times = in.chance(0.1) ? 2 : 1;
        for (int t = 0; t < times; t++) {
          query.add(
              FuzzInputs.encode(parameter)
                  + "="
                  + FuzzInputs.encode(in.valueFor(parameter, false)));
        }
      }
    }
    if (in.chance(0.05)) {
      query.add(FuzzInputs.encode(in.hostileText(false)) + "=" + FuzzInputs.encode("x"));
    }
    if (!query.isEmpty()) {
      target.append('?').append(String.join("&", query));
    }
    List<String[]> headers = new ArrayList<>();
    authorization(in, fixtures, headers);
    for (String header : route.headers()) {
      if (in.chance(0.5)) {
        headers.add(new String[] {header, headerSafe(in.valueFor(header, false))});
      }
    }
    if (in.chance(0.1)) {
      headers.add(
          new String[] {
            "Accept",
            in.oneOf(
                "application/json",
                "text/plain",
                "text/event-stream",
                "application/xml",
                "*/*",
                "garbage/",
                "application/problem+json")
          });
    } else if (route.stream()) {
      headers.add(new String[] {"Accept", "text/event-stream"});
    }
    byte[] body = null;
    boolean wantsBody = route.body() != null || method.equals("POST") && in.chance(0.2);
    if (wantsBody && !method.equals("GET") && !method.equals("HEAD")) {
      body = route.body() != null ? in.body(route.body()) : in.malformedBody();
      headers.add(
          new String[] {
            "Content-Type",
            in.chance(0.88)
                ? "application/json"
                : in.oneOf(
                    "text/plain",
                    "application/x-www-form-urlencoded",
                    "application/json; charset=ISO-8859-1",
                    "application/json; charset=UTF-16",
                    "multipart/form-data; boundary=x",
                    "application/xml")
          });
    }
    return new Request(
        method + " " + route.pattern(), method, target.toString(), headers, body, route.stream());
  }

  private static void authorization(FuzzInputs in, Fixtures fixtures, List<String[]> headers) {
    int pick = in.below(100);
    if (pick < 70) {
      headers.add(new String[] {"Authorization", "Bearer " + fixtures.userKey});
    } else if (pick < 80) {
      headers.add(new String[] {"Authorization", "Bearer " + JobkitServer.ADMIN_KEY});
    } else if (pick < 84) {
      headers.add(new String[] {"X-Api-Key", fixtures.workerKey});
    } else if (pick < 87) {
      headers.add(new String[] {"Authorization", "Bearer " + fixtures.otherKey});
    } else if (pick < 91) {
      // no key at all
    } else {
      headers.add(
          in.oneOf(
              new String[] {"Authorization", "Bearer jk_wrong"},
              new String[] {"Authorization", "Bearer "},
              new String[] {"Authorization", "Basic YWxpY2U6c2VjcmV0"},
              new String[] {"Authorization", "Bearer " + "k".repeat(20_000)},
              new String[] {"X-Api-Key", " "},
              new String[] {"X-Api-Key", "\u00ff\u00fe"}));
    }
    if (in.chance(0.1)) {
      headers.add(
          new String[] {
            "X-Jobkit-Actor-Kind",
            in.oneOf("user", "agent", "AGENT", "worker", "system", "job", "", "robot")
          });
    }
  }

  /** Malformed HTTP that only a raw socket can send. */
  private static Request rawRequest(FuzzInputs in, Fixtures fixtures) {
    String auth = "Bearer " + fixtures.userKey;
    return switch (in.below(14)) {
      case 0 ->
          raw("GET", "/api/v1/jobs/a b", List.<String[]>of(new String[] {"Authorization", auth}));
      case 1 ->
          raw(
              "GET",
              "/api/v1/jobs?name=%ZZ",
              List.<String[]>of(new String[] {"Authorization", auth}));
      case 2 ->
          raw(
              "GET",
              "/api/v1/jobs?cursor=" + "A".repeat(100_000),
              List.<String[]>of(new String[] {"Authorization", auth}));
      case 3 ->
          raw(
              "GET",
              "/api/v1/jobs",
              List.<String[]>of(new String[] {"Authorization", "Bearer " + "k".repeat(20_000)}));
      case 4 ->
          raw(
              "GET",
              "/healthz/../api/v1/users",
              List.<String[]>of(new String[] {"Authorization", auth}));
      case 5 ->
          raw("GET", "/api/v1/jobs/%00", List.<String[]>of(new String[] {"Authorization", auth}));
      case 6 ->
          raw("GET", "/api/v1/jobs/a%2Fb", List.<String[]>of(new String[] {"Authorization", auth}));
      case 7 -> raw("G@T", "/api/v1/jobs", List.<String[]>of(new String[] {"Authorization", auth}));
      case 8 ->
          raw(
              "GET",
              "/api/v1/jobs",
              List.<String[]>of(new String[] {"Bad Header", "x"}, new String[] {"A", "b"}));
      case 9 -> raw("GET", "/api/v1/jobs", List.<String[]>of(new String[] {"X-Ctl", "a\u0001b"}));
      case 10 -> {
        List<String[]> many = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
          many.add(new String[] {"X-Many-" + i, "v".repeat(100)});
        }
        yield raw("GET", "/api/v1/me", many);
      }
      case 11 ->
          raw("GET", "//api//v1//jobs", List.<String[]>of(new String[] {"Authorization", auth}));
      case 12 ->
          raw(
              "GET",
              "/api/v1/jobs/%C0%AF",
              List.<String[]>of(new String[] {"Authorization", auth}));
      default ->
          new Request(
              "malformed HTTP",
              "POST",
              "/api/v1/jobs",
              List.<String[]>of(
                  new String[] {"Authorization", auth},
                  new String[] {"Content-Type", "application/json"},
                  new String[] {"Transfer-Encoding", "chunked"}),
              "ZZ\r\nnot a chunk\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
              false);
    };
  }

  private static Request raw(String method, String target, List<String[]> headers) {
    return new Request("malformed HTTP", method, target, headers, null, false);
  }

  /** Header values are bytes of ISO-8859-1 without CR or LF; anything else is replaced. */
  private static String headerSafe(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      out.append(c == '\r' || c == '\n' || c == 0 || c > 0xFF ? '?' : c);
    }
    return out.length() > 9000 ? out.substring(0, 9000) : out.toString();
  }

  // ---- sending ----

  /** An answer: status, headers (lower-case names) and body; status -1 if none came. */
  record Answer(int status, Map<String, String> headers, byte[] body, String failure) {

    String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }

  private static Answer send(int port, Request request) {
    sent.incrementAndGet();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      // The head and the body go out as two writes: without this, Nagle's algorithm holds the
      // body until the service's delayed ACK of the head, about 40 ms for every request.
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      StringBuilder head =
          new StringBuilder(request.method())
              .append(' ')
              .append(request.target())
              .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
              .append(port)
              .append("\r\nConnection: close\r\n");
      boolean chunked = false;
      for (String[] h : request.headers()) {
        head.append(h[0]).append(": ").append(h[1]).append("\r\n");
        chunked |= h[0].equalsIgnoreCase("Transfer-Encoding");
      }
      if (request.body() != null && !chunked) {
        head.append("Content-Length: ").append(request.body().length).append("\r\n");
      }
      head.append("\r\n");
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (request.body() != null) {
        try {
          out.write(request.body());
        } catch (IOException refusedMidBody) {
          // The service may answer (413) and close before the whole body is sent: read that.
        }
      }
      out.flush();
      return read(socket.getInputStream(), request.method().equals("HEAD"));
    } catch (IOException e) {
      return new Answer(-1, Map.of(), new byte[0], e.toString());
    }
  }

  private static Answer read(InputStream in, boolean head) throws IOException {
    String statusLine = line(in);
    if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
      return new Answer(-1, Map.of(), new byte[0], "no status line: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(
            line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).strip());
      }
    }
    if (head || status == 204 || status == 304) {
      return new Answer(status, headers, new byte[0], null);
    }
    if (status < 400 && headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
      return new Answer(status, headers, new byte[0], null); // a live stream: its head is enough
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (String size = line(in); size != null; size = line(in)) {
        int n = Integer.parseInt(size.split(";")[0].strip(), 16);
        if (n == 0) {
          break;
        }
        body.write(in.readNBytes(n));
        line(in);
      }
    } else {
      body.write(in.readAllBytes());
    }
    return new Answer(status, headers, body.toByteArray(), null);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  // ---- checks ----

  private static final Map<String, long[]> byRoute = new TreeMap<>();

  private static void record(
      String database,
      int index,
      Request request,
      Answer answer,
      List<String> failures,
      FuzzInputs in) {
    synchronized (statuses) {
      statuses.merge(answer.status(), 1L, Long::sum);
      long[] counts = byRoute.computeIfAbsent(request.route(), r -> new long[6]);
      counts[Math.max(0, Math.min(5, answer.status() / 100))]++;
    }
    String problem = null;
    if (answer.status() < 0) {
      problem = "no answer (" + answer.failure() + ")";
    } else if (answer.status() >= 500) {
      serverErrors.incrementAndGet();
      problem = "a " + answer.status();
    } else if (answer.status() >= 400 && !request.method().equals("HEAD")) {
      problem = notAProblemDocument(answer);
      if (problem != null) {
        notProblems.incrementAndGet();
      }
    } else if (answer.status() == 200 && request.target().startsWith("/api/v1/jobs?")) {
      JsonNode page = parse(answer.body());
      if (page != null && page.path("next_cursor").isString()) {
        in.cursors.add(page.path("next_cursor").asString());
      }
    }
    if (problem != null && failures.size() < 20) {
      failures.add(
          database
              + " request "
              + index
              + ": "
              + problem
              + "\n    sent: "
              + request.describe()
              + "\n    got: "
              + answer.status()
              + " "
              + answer.contentType()
              + " "
              + cut(new String(answer.body(), StandardCharsets.UTF_8), 400));
    } else if (problem != null) {
      failures.add("…");
    }
  }

  /** Why the answer is not a problem document with a code and its status, or null if it is. */
  private static String notAProblemDocument(Answer answer) {
    if (!answer.contentType().startsWith("application/problem+json")) {
      return "an error answered as '" + answer.contentType() + "', not application/problem+json";
    }
    JsonNode problem = parse(answer.body());
    if (problem == null || !problem.isObject()) {
      return "an error whose body is not a JSON object";
    }
    if (!problem.path("code").isString() || problem.path("code").asString().isBlank()) {
      return "a problem document without a code";
    }
    if (problem.path("status").asInt() != answer.status()) {
      return "a problem document whose status is not the answer's";
    }
    return null;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "…(" + text.length() + ")";
  }

  // ---- fixtures ----

  /**
   * Users and jobs for the requests to find: a user with a job of each kind (ended, failed,
   * running, waiting for a parent), another user with a private job, and a worker account with a
   * registered worker. Jobs stopped or deleted by the run, and the worker once it has ended, are
   * made again every 150 requests.
   */
  private static final class Fixtures {
    private final FuzzInputs in;
    private final Api admin;
    private final Api user;
    private final Api other;
    private final Api worker;
    final String userKey;
    final String otherKey;
    final String workerKey;

    Fixtures(JobkitServer server, FuzzInputs in) {
      this.in = in;
      this.admin = server.admin();
      this.userKey = key("fuzzer", "user");
      this.otherKey = key("other", "user");
      this.workerKey = key("robot", "worker");
      this.user = server.withKey(userKey);
      this.other = server.withKey(otherKey);
      this.worker = server.withKey(workerKey);
      in.userNames.addAll(List.of("fuzzer", "other", "robot", "admin", "ghost"));
    }

    private String key(String name, String role) {
      admin
          .post("/api/v1/users", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}")
          .expect(201);
      return admin
          .post("/api/v1/users/" + name + "/keys", "")
          .expect(201)
          .json()
          .get("key")
          .asString();
    }

    void refresh() {
      // A worker for the worker protocol's routes, again once the run deregistered or expired it.
      if (worker.get("/api/v1/internal/workers").expect(200).json().get("items").isEmpty()) {
        in.workerIds.add(
            worker
                .post("/api/v1/internal/workers", "{\"name\":\"fuzz-box\",\"slots\":2}")
                .expect(201)
                .json()
                .get("id")
                .asString());
      }
      in.jobIds.removeIf(id -> admin.get("/api/v1/jobs/" + FuzzInputs.encode(id)).status() != 200);
      if (in.jobIds.size() >= 4) {
        return;
      }
      Job done = user.submit("{\"command\":[\"true\"],\"display_name\":\"fixture done\"}");
      Job failed = user.submit("{\"shell\":\"exit 3\",\"display_name\":\"fixture failed\"}");
      Job running =
          user.submit("{\"command\":[\"sleep\",\"600\"],\"display_name\":\"fixture sleep\"}");
      Job waiting =
          user.submit(
              "{\"command\":[\"true\"],\"parents\":[\""
                  + running.id()
                  + "\"],\"tags\":{\"team\":\"vision\"}}");
      Job hidden = other.submit("{\"command\":[\"true\"],\"display_name\":\"private\"}");
      Job shown =
          other.submit(
              "{\"command\":[\"true\"],\"display_name\":\"public\",\"accessibility\":\"PUBLIC\"}");
      in.jobIds.addAll(
          List.of(done.id(), failed.id(), running.id(), waiting.id(), hidden.id(), shown.id()));
      Set<String> unique = new java.util.LinkedHashSet<>(in.jobIds);
      in.jobIds.clear();
      in.jobIds.addAll(unique);
    }
  }
}
