package dev.jobkit.shell;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jobkit.shell.command.Dispatcher;
import dev.jobkit.shell.command.Session;
import dev.jobkit.shell.render.Style;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The build's training run for class data sharing: the build starts the packaged shell with {@code
 * -XX:ArchiveClassesAtExit} and this, which runs the commands of a typical one-shot use (list, get,
 * events, help) through the real dispatcher and client against recorded answers of the service (a
 * throwaway local HTTP server), and builds the interactive line reader. The classes they load land
 * in {@code target/jobkit.jsa}, which {@code ./jobkit} maps at start instead of loading and
 * verifying them again.
 */
final class CdsTraining {

  private static final String JOB =
      """
      {"id":"job_01m851ezzhfef6v3ztrk4xjpk8","display_name":"train","description":null,\
      "owner":"admin","status":"RUNNING","status_reason":null,"priority":5,\
      "accessibility":"PRIVATE","pod_count":1,"command":["sleep","300"],"shell":null,"env":{},\
      "tags":{"team":"vision"},"parents":[],"timeout_seconds":3600,"max_attempts":1,"attempt":1,\
      "pods":[{"index":0,"status":"RUNNING","pid":42,"exit_code":null,\
      "started_at":"2026-11-23T20:27:21.998437Z","finished_at":null}],\
      "attempts":[{"number":1,"started_at":"2026-11-23T20:27:21.998437Z","finished_at":null,\
      "outcome":null,"exit_code":null,"error":null}],\
      "progress":{"percent":40.0,"message":"epoch 4","updated_at":"2026-11-23T20:27:30Z"},\
      "metrics":{"loss":0.5},"last_error":null,"result":null,\
      "created_at":"2026-11-23T20:27:21.969402Z","updated_at":"2026-11-23T20:27:32.412286Z",\
      "started_at":"2026-11-23T20:27:21.998437Z","finished_at":null}""";

  private static final String EVENTS =
      """
      [{"id":5,"job_id":"job_01m851ezzhfef6v3ztrk4xjpk8","from_status":null,"to_status":"QUEUED",\
      "at":"2026-11-23T20:27:21.969402Z","actor":"admin","actor_kind":"user","reason":null}]""";

  private static final String ME =
      """
      {"name":"admin","role":"admin","scheduling_mode":"parallel",\
      "created_at":"2026-11-23T20:26:26.370210Z"}""";

  private CdsTraining() {}

  static int run() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String body =
              path.equals("/api/v1/me")
                  ? ME
                  : path.endsWith("/events")
                      ? EVENTS
                      : path.equals("/api/v1/jobs")
                          ? "{\"items\":[" + JOB + "],\"next_cursor\":null}"
                          : JOB;
          answer(exchange, body);
        });
    server.start();
    Path home = Files.createTempDirectory("jobkit-cds-");
    try {
      PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      try (Session session =
          new Session(
              url,
              home,
              Map.of("JOBKIT_API_KEY", "training"),
              sink,
              sink,
              Style.forOutput(true, false, null),
              null,
              false)) {
        Dispatcher dispatcher = new Dispatcher(session);
        String id = "job_01m851ezzhfef6v3ztrk4xjpk8";
        for (List<String> command :
            List.of(
                List.of("job", "list"),
                List.of("job", "list", "--status", "running", "--since", "7d", "--json"),
                List.of("job", "get", id),
                List.of("job", "get", id, "--json"),
                List.of("job", "events", id),
                List.of("me"),
                List.of("help"),
                List.of("help", "job", "list"),
                List.of("job", "list", "--no-such-option"))) {
          dispatcher.run(command);
        }
        try (Terminal terminal =
            TerminalBuilder.builder()
                .dumb(true)
                .streams(InputStream.nullInputStream(), OutputStream.nullOutputStream())
                .build()) {
          LineReader reader =
              LineReaderBuilder.builder()
                  .terminal(terminal)
                  .completer(new CommandCompleter(dispatcher, () -> false))
                  .build();
          reader.getHistory();
        }
      }
    } finally {
      server.stop(0);
      Files.deleteIfExists(home);
    }
    return 0;
  }

  private static void answer(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
