package dev.jobkit.shell.command;

import dev.jobkit.sdk.internal.Json;
import dev.jobkit.sdk.jobs.JobPage;

/**
 * Work that the first answer of the service needs, done while the command waits for its connection
 * instead of after it. A one-shot {@code jobkit job list} on a running local service waited about
 * 150 ms for the connection (its health check and the client's set-up), then spent 80 ms decoding
 * its first page of jobs: the JSON decoders of a job are built then, the JSON parser's classes
 * initialised, and the JDK spins the method-handle code that calls a record's constructor. Each is
 * a one-time cost of the JVM, paid here on the waiting thread by decoding a sample page with the
 * SDK's shared mapper, whose decoders the client then finds ready.
 */
final class Prefetch {

  static final String SAMPLE_PAGE =
      "{\"items\":[{\"id\":\"job_1\",\"display_name\":\"x\",\"owner\":\"u\",\"status\":\"QUEUED\","
          + "\"priority\":5,\"accessibility\":\"PRIVATE\",\"pod_count\":1,\"max_attempts\":1,"
          + "\"attempt\":0,\"created_at\":\"2026-01-01T00:00:00Z\"}],\"next_cursor\":null}";

  private static volatile boolean done;

  private Prefetch() {}

  /** Prepares once per JVM; later calls return at once. Never throws: it only saves time. */
  static void once() {
    if (done) {
      return;
    }
    done = true;
    try {
      Json.MAPPER.readValue(SAMPLE_PAGE, JobPage.class);
    } catch (RuntimeException ignored) {
      // the real answer reports any real problem
    }
  }
}
