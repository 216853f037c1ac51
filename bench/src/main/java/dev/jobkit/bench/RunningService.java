package dev.jobkit.bench;

import dev.jobkit.server.JobkitServerApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real Jobkit service, in this JVM: the whole Spring Boot application on a random port with a
 * temporary data dir and its embedded H2 database, plus a plain HTTP client of its API.
 */
final class RunningService implements AutoCloseable {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String ADMIN_KEY = "jk_bench_admin_key_0123456789abcdef";

  private final Path dataDir;
  private final ConfigurableApplicationContext context;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private RunningService(Path dataDir, ConfigurableApplicationContext context) {
    this.dataDir = dataDir;
    this.context = context;
  }

  /** The service, with {@code settings} ({@code --k=v}) after the benchmark's own. */
  static RunningService start(String... settings) throws IOException {
    Path dataDir = Io.newDataDir("jobkit-bench-");
    SpringApplication app = new SpringApplication(JobkitServerApplication.class);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--jobkit.data-dir=" + dataDir,
                "--jobkit.auth.admin-key=" + ADMIN_KEY,
                "--logging.level.root=warn",
                "--logging.level.dev.jobkit=warn"));
    args.addAll(List.of(settings));
    ConfigurableApplicationContext context = app.run(args.toArray(String[]::new));
    return new RunningService(dataDir, context);
  }

  Path dataDir() {
    return dataDir;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  HttpClient http() {
    return http;
  }

  /** A client with the admin's key. */
  /** The admin's API key. */
  String adminKey() {
    return ADMIN_KEY;
  }

  Client admin() {
    return new Client(ADMIN_KEY);
  }

  /** Creates a user with this scheduling mode and returns a client with a new key of theirs. */
  Client newUser(String name, String mode) {
    Client admin = admin();
    admin.send(
        "POST",
        "/api/v1/users",
        "{\"name\":\"" + name + "\",\"scheduling_mode\":\"" + mode + "\"}",
        201);
    String key =
        admin.send("POST", "/api/v1/users/" + name + "/keys", "", 201).get("key").asString();
    return new Client(key);
  }

  @Override
  public void close() throws IOException {
    context.close();
    Io.deleteAtEnd(dataDir);
  }

  /** Requests as one user. */
  final class Client {
    private final String key;

    private Client(String key) {
      this.key = key;
    }

    HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(URI.create(baseUrl() + path))
          .timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + key);
    }

    /** Sends a request and reads its JSON answer; fails unless the status is {@code expected}. */
    JsonNode send(String method, String path, String body, int expected) {
      HttpRequest.Builder builder = request(path);
      if (body != null) {
        builder.header("Content-Type", "application/json");
        builder.method(method, HttpRequest.BodyPublishers.ofString(body));
      } else {
        builder.method(method, HttpRequest.BodyPublishers.noBody());
      }
      String answer = text(builder.build(), expected);
      return answer.isEmpty() ? JSON.nullNode() : JSON.readTree(answer);
    }

    JsonNode get(String path) {
      return send("GET", path, null, 200);
    }

    /** The body of an answer, as text; fails unless the status is {@code expected}. */
    String text(HttpRequest request, int expected) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
          throw new IllegalStateException(
              request.method()
                  + " "
                  + request.uri()
                  + ": expected HTTP "
                  + expected
                  + ", got "
                  + response.statusCode()
                  + ": "
                  + response.body());
        }
        return response.body();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}
