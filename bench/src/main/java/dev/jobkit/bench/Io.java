package dev.jobkit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The plumbing the benchmarks that start services of their own share: a request to such a service,
 * a port to start one on, where their data dirs go, and deleting what a run left on disk.
 */
final class Io {

  /** Where data dirs go unless {@code data_root=} says otherwise (from the repository's root). */
  static final String DEFAULT_DATA_ROOT = "bench/target/data";

  private static final List<Path> LEFT = new ArrayList<>();
  private static Path dataRoot = Path.of(DEFAULT_DATA_ROOT).toAbsolutePath();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Io::deleteLeft, "jobkit-bench-cleanup"));
  }

  private Io() {}

  /**
   * Where the services' data dirs (and the peers' output dirs) go from now on: {@code
   * bench/target/data} unless {@code data_root=} says otherwise. Not the system's temporary
   * directory: a user's data dir is {@code ~/.jobkit}, and on ext4 without a journal (these
   * machines) a directory where much is deleted, as {@code /tmp} is, makes every file created in it
   * cost up to 30 times more (bench/README.md, "Where the data dirs are").
   */
  static Path dataRoot(Path root) {
    dataRoot = root.toAbsolutePath();
    return dataRoot;
  }

  /** A new, empty directory under {@link #dataRoot}, its name starting with {@code prefix}. */
  static Path newDataDir(String prefix) throws IOException {
    return Files.createTempDirectory(Files.createDirectories(dataRoot), prefix);
  }

  /**
   * Sends {@code body} (JSON; {@code null} for none) to {@code base + path} as the holder of {@code
   * key} and returns the answer's body; fails unless the status is one of {@code expected}. Each
   * benchmark brings its own {@code http}, as it configured it.
   */
  static String send(
      HttpClient http,
      String base,
      String key,
      String method,
      String path,
      String body,
      int... expected) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + key);
    if (body != null) {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (IntStream.of(expected).noneMatch(status -> status == response.statusCode())) {
        throw new IllegalStateException(
            method + " " + path + ": HTTP " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A POST of {@code body} (JSON) as {@link #send} makes it, through {@link HttpURLConnection}: on
   * the caller's thread, over a kept-alive connection. The JDK's {@code HttpClient} hands each
   * exchange from the caller to its selector thread and back; on two busy cores that added 0.6-0.9
   * ms to a request (the two clients interleaved, one request each, against one service). Where a
   * benchmark times requests one at a time, this keeps the client's share out of the figure.
   */
  static String post(String base, String key, String path, String body, int expected) {
    try {
      HttpURLConnection connection =
          (HttpURLConnection) URI.create(base + path).toURL().openConnection();
      connection.setConnectTimeout(5_000);
      connection.setReadTimeout(60_000);
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setRequestProperty("Authorization", "Bearer " + key);
      connection.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
      int status = connection.getResponseCode();
      String answer;
      // Read to the end and closed: the connection goes back to the JDK's keep-alive cache.
      try (InputStream in =
          status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
        answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (status != expected) {
        throw new IllegalStateException("POST " + path + ": HTTP " + status + ": " + answer);
      }
      return answer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A port on the loopback interface that nothing listened on a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Deletes {@code dir} and everything under it, as far as it can, when the benchmark ends, not
   * now. On ext4 without a journal (this project's build machines' root file system), each file
   * made in the minutes after thousands were deleted nearby scans past them ({@code
   * recently_deleted} in the kernel's inode allocator): deleting a run's data dir at once made the
   * next run's launches three to five times dearer, a cost no fresh data dir of a user pays
   * (bench/README.md).
   */
  static void deleteAtEnd(Path dir) {
    synchronized (LEFT) {
      LEFT.add(dir);
    }
  }

  private static void deleteLeft() {
    synchronized (LEFT) {
      for (Path dir : LEFT) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException gone) {
          // as far as it can
        }
      }
    }
  }
}
