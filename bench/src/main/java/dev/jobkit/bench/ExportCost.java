package dev.jobkit.bench;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.NewJob;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 14's figure: {@code GET /api/v1/jobs/export} of {@code jobs} jobs, as CSV and as JSON, over
 * HTTP: rows per second, and the heap while it runs (this JVM holds the service and the reader,
 * which counts the bytes and throws them away). The jobs go in through {@code JobStore.insert},
 * 1,000 per transaction, as ended ({@code SUCCEEDED}) jobs of one user with tags; the export is
 * timed at a tenth of them and at all of them, so that the two heaps can be compared: memory that
 * grew with the jobs would show there. Beside it, the time of {@code GET /api/v1/stats} over the
 * same jobs (the median of 20 after 5).
 */
final class ExportCost {

  record Run(int jobs, String format, long rows, long bytes, double seconds, long peakHeap) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  record Result(List<Run> runs, long baseline) {}

  private static final String OWNER = "exporter";

  private final RunningService service;
  private final int jobs;

  ExportCost(RunningService service, int jobs) {
    this.service = service;
    this.jobs = jobs;
  }

  Result run() throws Exception {
    RunningService.Client user = service.newUser(OWNER, "parallel");
    System.out.printf(
        "  this JVM's heap limit (-Xmx): %d MiB; it holds the service, H2 and the reader%n",
        Runtime.getRuntime().maxMemory() >> 20);
    List<Run> runs = new ArrayList<>();
    int inserted = 0;
    long baseline = 0;
    for (int size : List.of(jobs / 10, jobs)) {
      long start = System.nanoTime();
      insert(size - inserted);
      inserted = size;
      System.out.printf(
          "  %,d jobs in the store (%.1f s to insert)%n", size, (System.nanoTime() - start) / 1e9);
      export(user, "csv", size); // warm-up, untimed
      System.gc();
      baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      for (String query : List.of("group_by=status", "group_by=user&from=2000-01-01T00:00:00Z")) {
        RunningService.Client who = query.contains("user") ? service.admin() : user;
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
          long t = System.nanoTime();
          who.get("/api/v1/stats?" + query);
          if (i >= 5) {
            nanos.add(System.nanoTime() - t);
          }
        }
        System.out.printf(
            "  GET /api/v1/stats?%s (%s), %,d jobs: %s%n",
            query,
            query.contains("user") ? "admin, every job" : "the user",
            size,
            Stats.ofNanos(nanos));
      }
      for (String format : List.of("csv", "json")) {
        Run run = export(user, format, size);
        runs.add(run);
        System.out.printf(
            "  %s, %,d jobs: %,d rows, %,d bytes in %.2f s = %,.0f rows/s; heap peak %d MiB"
                + " (after a GC before it: %d MiB)%n",
            format,
            size,
            run.rows(),
            run.bytes(),
            run.seconds(),
            run.rowsPerSecond(),
            run.peakHeap() >> 20,
            baseline >> 20);
      }
    }
    return new Result(runs, baseline);
  }

  /** One export, read to its end; its rows are its lines (CSV, less the header) or its jobs. */
  private Run export(RunningService.Client user, String format, int size) throws Exception {
    HttpRequest request =
        user.request("/api/v1/jobs/export?owner=me&format=" + format).GET().build();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong peak = new AtomicLong();
    Thread sampler =
        new Thread(
            () -> {
              while (running.get()) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    System.gc();
    sampler.start();
    long start = System.nanoTime();
    long bytes = 0;
    long newlines = 0;
    long ids = 0;
    HttpResponse<InputStream> response =
        service.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("export answered " + response.statusCode());
    }
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = response.body()) {
      int n;
      byte[] key = "\"id\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      int matched = 0;
      while ((n = in.read(buffer)) >= 0) {
        bytes += n;
        for (int i = 0; i < n; i++) {
          byte b = buffer[i];
          if (b == '\n') {
            newlines++;
          }
          // A job's own "id" is its first property; attempts and pods have none called id.
          matched = b == key[matched] ? matched + 1 : (b == key[0] ? 1 : 0);
          if (matched == key.length) {
            ids++;
            matched = 0;
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("the export broke off: " + e.getMessage(), e);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    running.set(false);
    sampler.join();
    long rows = format.equals("csv") ? newlines - 1 : ids;
    if (rows != size) {
      throw new IllegalStateException("expected " + size + " " + format + " rows, read " + rows);
    }
    return new Run(size, format, rows, bytes, seconds, peak.get());
  }

  /** {@code count} ended jobs of the user, 1,000 per transaction. */
  private void insert(int count) {
    JobStore store = service.bean(JobStore.class);
    for (int done = 0; done < count; done += 1000) {
      List<NewJob> batch = new ArrayList<>();
      for (int i = 0; i < Math.min(1000, count - done); i++) {
        int n = done + i;
        batch.add(
            new NewJob(
                Keys.newId("job"),
                OWNER,
                "export " + n + (n % 50 == 0 ? " =HYPERLINK(\"x\")" : ""),
                null,
                JobStatus.SUCCEEDED,
                null,
                5,
                Accessibility.PRIVATE,
                1,
                List.of("python", "train.py", "--epochs", Integer.toString(n % 100)),
                null,
                null,
                null,
                Map.of(),
                Map.of(),
                Map.of("team", "bench", "run", Integer.toString(n % 7)),
                List.of(),
                null,
                1));
      }
      store.insert(batch, Actor.user(OWNER), null);
    }
  }
}
