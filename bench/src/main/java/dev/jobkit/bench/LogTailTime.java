package dev.jobkit.bench;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Figure 4: the time to serve the last 20,000 characters of a finished job's log over HTTP, with
 * the log at 1 MiB and at 1 GiB. The log is written in place of the job's own (real bytes, not a
 * sparse file) and deleted afterwards.
 */
final class LogTailTime {

  record Result(Stats small, Stats large) {
    double ratio() {
      return large.p50() / small.p50();
    }
  }

  private static final int MIB = 1 << 20;
  private static final int TAIL = 20_000;

  private final RunningService service;
  private final int requests;

  LogTailTime(RunningService service, int requests) {
    this.service = service;
    this.requests = requests;
  }

  Result run() throws Exception {
    RunningService.Client user = service.newUser("logs", "parallel");
    String id =
        user.send("POST", "/api/v1/jobs", "{\"command\":[\"true\"]}", 201).get("id").asString();
    while (!"SUCCEEDED".equals(user.get("/api/v1/jobs/" + id).get("status").asString())) {
      Thread.sleep(10);
    }
    Path log = service.dataDir().resolve("jobs").resolve(id).resolve("logs").resolve("pod-0.log");
    ByteBuffer block = block();
    try {
      grow(log, block, 1, true);
      Stats small = measure(user, id, MIB);
      System.out.printf("  1 MiB log: tail of %,d chars %s%n", TAIL, small);
      long start = System.nanoTime();
      grow(log, block, 1023, false);
      System.out.printf("  grew the log to 1 GiB (%.1f s)%n", (System.nanoTime() - start) / 1e9);
      Stats large = measure(user, id, 1024L * MIB);
      System.out.printf("  1 GiB log: tail of %,d chars %s%n", TAIL, large);
      return new Result(small, large);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private Stats measure(RunningService.Client user, String id, long expectedSize) {
    HttpRequest request =
        user.request("/api/v1/jobs/" + id + "/log?tail_chars=" + TAIL)
            .header("Accept", "application/json")
            .GET()
            .build();
    JsonNode tail = RunningService.JSON.readTree(user.text(request, 200));
    if (tail.get("content").asString().length() != TAIL
        || tail.get("size_bytes").asLong() != expectedSize) {
      throw new IllegalStateException("unexpected log tail: " + tail.get("size_bytes"));
    }
    for (int i = 0; i < 50; i++) {
      user.text(request, 200);
    }
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      long start = System.nanoTime();
      user.text(request, 200);
      nanos.add(System.nanoTime() - start);
    }
    return Stats.ofNanos(nanos);
  }

  /** 1 MiB of numbered log lines, a few with multi-byte characters as real logs have. */
  private static ByteBuffer block() {
    StringBuilder text = new StringBuilder(MIB);
    for (int line = 0; text.length() < MIB; line++) {
      text.append(String.format("%08d step done: loss=0.%04d ", line, line % 9973));
      text.append(line % 10 == 0 ? "état ✓\n" : "ok\n");
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.wrap(bytes, 0, MIB).slice();
  }

  private static void grow(Path log, ByteBuffer block, int mebibytes, boolean truncate)
      throws IOException {
    try (FileChannel out =
        FileChannel.open(
            log,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            truncate ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
      for (int i = 0; i < mebibytes; i++) {
        ByteBuffer b = block.duplicate();
        while (b.hasRemaining()) {
          out.write(b);
        }
      }
    }
  }
}
