package dev.jobkit.server.worker;

import dev.jobkit.server.support.Api;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * External workers for the integration tests: a worker account and its key, and a worker running in
 * the test's JVM on a thread of its own.
 */
public final class Workers {

  private Workers() {}

  /** Makes an account of role {@code worker} and answers a new key of it. */
  public static String newWorkerKey(Api admin, String name) {
    admin.post("/api/v1/users", "{\"name\":\"" + name + "\",\"role\":\"worker\"}").expect(201);
    return admin
        .post("/api/v1/users/" + name + "/keys", "")
        .expect(201)
        .json()
        .get("key")
        .asString();
  }

  /** A worker running until {@link #stop()}. */
  public static final class Running {
    private final ExternalWorker worker;
    private final Thread thread;

    private Running(ExternalWorker worker, Thread thread) {
      this.worker = worker;
      this.thread = thread;
    }

    /** Its id, once registered. */
    public String workerId() {
      return worker.workerId();
    }

    /** Stops it as SIGTERM would: its jobs fail as {@code system}, and it deregisters. */
    public void stop() {
      worker.stop();
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts a worker of {@code url} with {@code key}, and waits until it is registered. */
  public static Running start(String url, String key, int slots, Path workDir) {
    ExternalWorker worker =
        new ExternalWorker(
            new WorkerOptions(
                url,
                key,
                slots,
                List.of(),
                "it-worker",
                workDir,
                Map.of("jobkit.executor.stop-grace-period", "2s")));
    Thread thread = new Thread(worker::run, "it-worker");
    thread.setDaemon(true);
    thread.start();
    Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> worker.workerId() != null);
    return new Running(worker, thread);
  }
}
