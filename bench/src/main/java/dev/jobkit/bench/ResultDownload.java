package dev.jobkit.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * Figure 8 (issue 14): one result file of {@code size} MiB downloaded through {@code GET
 * /api/v1/jobs/{id}/results/{path}}, against {@code cat} of the same file into a socket, side by
 * side: rounds alternate one download of each, both read by this JVM through the same 256 KiB
 * buffer into nothing. The service runs in this JVM too, so the heap sampled every 5 ms during the
 * downloads (after a GC before them) is the service's and the reader's together: it must stay flat,
 * not grow with the file.
 */
final class ResultDownload {

  record Result(long bytes, Stats service, Stats cat, long heapBefore, long heapMax) {
    /** Median throughput of the service over that of cat. */
    double ratio() {
      return cat.p50() / service.p50();
    }
  }

  private static final int MIB = 1 << 20;
  private static final int BUFFER = 256 * 1024;

  private final RunningService service;
  private final int mebibytes;
  private final int rounds;

  ResultDownload(RunningService service, int mebibytes, int rounds) {
    this.service = service;
    this.mebibytes = mebibytes;
    this.rounds = rounds;
  }

  Result run() throws Exception {
    RunningService.Client user = service.newUser("results", "parallel");
    String id =
        user.send(
                "POST",
                "/api/v1/jobs",
                "{\"shell\":\"head -c "
                    + (long) mebibytes * MIB
                    + " /dev/urandom > \\\"$JOBKIT_OUTPUT_DIR/big.bin\\\"\"}",
                201)
            .get("id")
            .asString();
    long start = System.nanoTime();
    String status;
    while (!(status = user.get("/api/v1/jobs/" + id).get("status").asString())
        .equals("SUCCEEDED")) {
      if (status.equals("FAILED") || status.equals("CANCELED")) {
        throw new IllegalStateException("the job writing the file ended " + status);
      }
      Thread.sleep(20);
    }
    System.out.printf(
        "  a job wrote %,d MiB of random bytes (%.1f s)%n",
        mebibytes, (System.nanoTime() - start) / 1e9);
    start = System.nanoTime();
    JsonNode manifest = user.get("/api/v1/jobs/" + id + "/results");
    long bytes = manifest.get("files").get(0).get("size_bytes").asLong();
    System.out.printf(
        "  manifest with its SHA-256 read (%.1f s; taken once when the job ended)%n",
        (System.nanoTime() - start) / 1e9);
    Path file = service.dataDir().resolve("jobs").resolve(id).resolve("output").resolve("big.bin");
    HttpRequest request =
        user.request("/api/v1/jobs/" + id + "/results/big.bin")
            .timeout(java.time.Duration.ofMinutes(10))
            .GET()
            .build();

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    // The service answers with the file whole (no chunking): a 200 with a Content-Length.
    HttpResponse<Void> probe = service.http().send(request, HttpResponse.BodyHandlers.discarding());
    System.out.printf(
        "  GET answers %d, Content-Length %s%n",
        probe.statusCode(), probe.headers().firstValue("Content-Length").orElse("none"));
    // One untimed round of each: the page cache holds the file, the paths are compiled.
    download(user, request, bytes);
    cat(file, bytes);
    System.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    AtomicLong heapMax = new AtomicLong(heapBefore);
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                heapMax.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    List<Long> viaService = new ArrayList<>();
    List<Long> viaCat = new ArrayList<>();
    sampler.start();
    try {
      for (int i = 0; i < rounds; i++) {
        viaService.add(download(user, request, bytes));
        viaCat.add(cat(file, bytes));
        System.out.printf(
            "  round %d: service %.0f MiB/s, cat %.0f MiB/s%n",
            i + 1,
            bytes / (double) MIB / (viaService.get(i) / 1e9),
            bytes / (double) MIB / (viaCat.get(i) / 1e9));
      }
    } finally {
      sampling.set(false);
      sampler.join();
    }
    return new Result(
        bytes, Stats.ofNanos(viaService), Stats.ofNanos(viaCat), heapBefore, heapMax.get());
  }

  /**
   * Nanoseconds to read the whole file from the service, over a plain socket as cat's bytes are
   * read (an HTTP/1.1 request written by hand, the head skipped, the body drained): the figure is
   * the service's, not that of an HTTP client library.
   */
  private long download(RunningService.Client user, HttpRequest request, long expected)
      throws IOException {
    URI uri = request.uri();
    String head =
        "GET "
            + uri.getRawPath()
            + " HTTP/1.1\r\nHost: "
            + uri.getHost()
            + ":"
            + uri.getPort()
            + "\r\nAuthorization: "
            + request.headers().firstValue("Authorization").orElseThrow()
            + "\r\nConnection: close\r\n\r\n";
    long start = System.nanoTime();
    long read;
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER);
      String status = readHead(in);
      if (!status.startsWith("HTTP/1.1 200")) {
        throw new IllegalStateException("download answered " + status);
      }
      read = drain(in);
    }
    long took = System.nanoTime() - start;
    if (read != expected) {
      throw new IllegalStateException("downloaded " + read + " bytes, not " + expected);
    }
    return took;
  }

  /** Reads an answer's head up to its blank line; its status line. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int matched = 0;
    for (int b; (b = in.read()) >= 0; ) {
      head.append((char) b);
      matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
      if (matched == 4) {
        break;
      }
    }
    return head.substring(0, Math.max(0, head.indexOf("\r")));
  }

  /** Nanoseconds for {@code cat FILE} to write the file into a socket this JVM reads. */
  private static long cat(Path file, long expected) throws IOException, InterruptedException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      Process cat =
          new ProcessBuilder(
                  "bash",
                  "-c",
                  "cat \"$0\" > /dev/tcp/127.0.0.1/" + server.getLocalPort(),
                  file.toString())
              .redirectErrorStream(true)
              .start();
      long read;
      try (Socket socket = server.accept()) {
        read = drain(socket.getInputStream());
      }
      long took = System.nanoTime() - start;
      if (cat.waitFor() != 0 || read != expected) {
        throw new IllegalStateException(
            "cat sent "
                + read
                + " bytes, not "
                + expected
                + ": "
                + new String(cat.getInputStream().readAllBytes()));
      }
      return took;
    }
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[BUFFER];
    long total = 0;
    try (in) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
      }
    }
    return total;
  }
}
