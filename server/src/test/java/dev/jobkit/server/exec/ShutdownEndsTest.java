package dev.jobkit.server.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.server.JobkitProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * A pod that ends by itself just before the executor shuts down: the shutdown waits for its end to
 * be recorded (the service's database is closed right after it), rather than leaving the job to
 * recovery as lost. Real processes, no Spring.
 */
class ShutdownEndsTest {

  @TempDir Path dataDir;

  @Test
  void a_shutdown_waits_for_an_end_being_recorded() throws Exception {
    JobkitProperties properties =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of("jobkit.data-dir", dataDir.toString(), "jobkit.executor.slots", "2")))
            .bindOrCreate("jobkit", JobkitProperties.class);
    StandaloneExecutor local = StandaloneExecutor.start(properties, "http://127.0.0.1:1");
    CountDownLatch recording = new CountDownLatch(1);
    CountDownLatch database = new CountDownLatch(1);
    AtomicReference<JobExecutor.AttemptEnd> recorded = new AtomicReference<>();
    JobExecutor.StartedAttempt started =
        local
            .executor()
            .start(
                new JobExecutor.Launch(
                    "job_shutdown", 1, 1, List.of("true"), null, Map.of(), 1, "jkt_test"));
    started.watch(
        end -> {
          recording.countDown();
          try {
            database.await(); // the write of the end, taking its time
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          recorded.set(end);
        });
    assertThat(recording.await(30, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> shutdown = CompletableFuture.runAsync(local::shutdown);
    // However fast or slow this machine, the shutdown cannot return while the end is written.
    assertThatThrownBy(() -> shutdown.get(500, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    database.countDown();
    shutdown.get(30, TimeUnit.SECONDS);
    assertThat(recorded.get()).isNotNull();
    assertThat(recorded.get().jobId()).isEqualTo("job_shutdown");
  }
}
