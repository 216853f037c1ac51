package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTaskTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void a_run_that_throws_is_reported_and_the_runs_go_on_on_a_named_daemon_thread() {
    AtomicInteger runs = new AtomicInteger();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    List<RuntimeException> failures = new CopyOnWriteArrayList<>();
    PeriodicTask task =
        new PeriodicTask(
            "periodic-test",
            Duration.ZERO,
            Duration.ofMillis(10),
            () -> {
              threads.add(Thread.currentThread());
              if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("first run fails");
              }
            },
            failures::add);
    assertThat(task.isRunning()).isFalse();

    task.start();
    try {
      assertThat(task.isRunning()).isTrue();
      await().atMost(TIMEOUT).until(() -> runs.get() >= 3);
    } finally {
      task.stop();
    }

    assertThat(task.isRunning()).isFalse();
    assertThat(failures).extracting(Throwable::getMessage).containsExactly("first run fails");
    assertThat(threads.get(0).getName()).isEqualTo("periodic-test-1");
    assertThat(threads.get(0).isDaemon()).isTrue();
  }

  @Test
  void stop_before_start_does_nothing() {
    PeriodicTask task =
        new PeriodicTask("unused", Duration.ZERO, Duration.ofSeconds(1), () -> {}, e -> {});
    task.stop();
    assertThat(task.isRunning()).isFalse();
  }
}
