package dev.jobkit.server.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.support.SessionGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The nice value a pod starts with, started as the service (no pod user): the path a service that
 * is not root takes. {@code PodProcessIT} checks the pod user's and the {@code setsid} command's.
 */
class NicenessTest {

  @TempDir Path dir;

  private int base;

  @BeforeEach
  void needsPosixSpawn() {
    assumeTrue(PosixSpawn.available(), "needs posix_spawn with POSIX_SPAWN_SETSID");
    base = Niceness.ofThisThread();
    assumeTrue(base < 12, "the test's thread must leave room for an increment of 7");
  }

  @Test
  void a_pod_and_every_process_it_starts_run_at_the_increment_above_the_services_nice_value()
      throws IOException {
    // nice without arguments prints its own nice value; the second one is a grandchild.
    assertThat(niceValuesOf(7)).containsExactly(base + 7, base + 7);
    // The thread that asked keeps its own.
    assertThat(Niceness.ofThisThread()).isEqualTo(base);
  }

  @Test
  void where_the_kernel_groups_sessions_the_pods_session_group_gets_the_increment_too()
      throws IOException {
    Optional<SessionGroup> ours = SessionGroup.ofThisProcess();
    assumeTrue(ours.isPresent(), "this kernel does not group sessions for the scheduler");
    int expected = Math.min(19, ours.get().nice() + 7);
    Path log = dir.resolve("group.log");
    PosixSpawn.Spawned pod =
        PosixSpawn.spawn(
            "/bin/sh",
            List.of("sh", "-c", SessionGroup.awaitAndPrint(expected)),
            Map.of("PATH", "/usr/bin:/bin"),
            dir,
            log,
            Runnable::run,
            new PosixSpawn.Child(null, null, 7));
    assertThat(pod.exit().join()).isZero();

    SessionGroup group = SessionGroup.parse(Files.readString(log));
    assertThat(group.name()).isNotEqualTo(ours.get().name());
    assertThat(group.nice()).isEqualTo(expected);
    // The service's own group keeps its nice value.
    assertThat(SessionGroup.ofThisProcess()).isEqualTo(ours);
  }

  @Test
  void a_session_group_is_read_from_its_line_and_the_kernels_default_group_from_an_empty_file() {
    assertThat(Niceness.Group.parse("/autogroup-85 nice -3\n"))
        .isEqualTo(new Niceness.Group("/autogroup-85", -3));
    // init's session, and a service started from it without a session of its own (CI's runner).
    assertThat(Niceness.Group.parse("")).isEqualTo(Niceness.Group.DEFAULT);
    assertThat(Niceness.Group.DEFAULT.isDefault()).isTrue();
    assertThat(Niceness.Group.DEFAULT.nice()).isZero();
    assertThatThrownBy(() -> Niceness.Group.parse("/autogroup-85"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an autogroup line: /autogroup-85");
  }

  @Test
  void an_increment_of_0_starts_the_pod_at_the_services_nice_value_from_the_calling_thread()
      throws IOException {
    assertThat(niceValuesOf(0)).containsExactly(base, base);
    AtomicReference<String> thread = new AtomicReference<>();
    Niceness.run(
        0,
        () -> {
          thread.set(Thread.currentThread().getName());
          return 0;
        });
    assertThat(thread.get()).isEqualTo(Thread.currentThread().getName());
  }

  @Test
  void threads_of_a_lifecycle_pool_run_their_increment_above_the_service() throws Exception {
    assertThat(niceOfAThreadOf(Niceness.daemonThreads("jobkit-test-lifecycle", 4)))
        .isEqualTo("jobkit-test-lifecycle-1 " + (Niceness.SERVICE + 4));
    // 0: plain threads, at the value of the thread that started them.
    assertThat(niceOfAThreadOf(Niceness.daemonThreads("jobkit-test-plain", 0)))
        .isEqualTo("jobkit-test-plain-1 " + base);
  }

  @Test
  void a_pod_at_increment_0_started_from_a_thread_above_the_service_runs_at_the_services_value()
      throws Exception {
    // As the local executor does when its launchers run above the service.
    Niceness.prepare(0);
    AtomicReference<List<Integer>> values = new AtomicReference<>();
    Thread launcher =
        Niceness.daemonThreads("jobkit-test-launcher", 5)
            .newThread(
                () -> {
                  try {
                    values.set(niceValuesOf(0));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
    launcher.start();
    launcher.join();
    assertThat(values.get()).containsExactly(Niceness.SERVICE, Niceness.SERVICE);
  }

  private static String niceOfAThreadOf(ThreadFactory threads) throws InterruptedException {
    AtomicReference<String> seen = new AtomicReference<>();
    Thread thread =
        threads.newThread(
            () -> seen.set(Thread.currentThread().getName() + " " + Niceness.ofThisThread()));
    thread.start();
    thread.join();
    return seen.get();
  }

  @Test
  void pods_run_15_above_the_service_unless_configured() {
    // Bound from nothing: the build sets JOBKIT_EXECUTOR_JOBNICENESS=0 for the tests' services.
    JobkitProperties properties =
        new Binder(new MapConfigurationPropertySource())
            .bindOrCreate("jobkit", JobkitProperties.class);
    assertThat(properties.executor().jobNiceness()).isEqualTo(15);
    assertThat(properties.executor().lifecycleNiceness()).isEqualTo(5);
  }

  @Test
  void the_threads_that_start_pods_keep_their_nice_value_and_hand_back_what_the_start_threw() {
    AtomicReference<String> seen = new AtomicReference<>();
    int value =
        Niceness.run(
            3,
            () -> {
              seen.set(Thread.currentThread().getName() + " " + Niceness.ofThisThread());
              return 42;
            });
    assertThat(value).isEqualTo(42);
    assertThat(seen.get()).startsWith("jobkit-pod-starter-3-").endsWith(" " + (base + 3));
    RuntimeException failure = new IllegalStateException("the cgroup is gone");
    assertThatThrownBy(
            () ->
                Niceness.run(
                    3,
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);
    assertThat(Niceness.above(5, 19)).isEqualTo(Niceness.MAX);
  }

  private List<Integer> niceValuesOf(int increment) throws IOException {
    Path log = dir.resolve("pod-" + increment + ".log");
    PosixSpawn.Spawned pod =
        PosixSpawn.spawn(
            "/bin/sh",
            List.of("sh", "-c", "nice; sh -c nice"),
            Map.of("PATH", "/usr/bin:/bin"),
            dir,
            log,
            Runnable::run,
            new PosixSpawn.Child(null, null, increment));
    assertThat(pod.exit().join()).isZero();
    return Files.readAllLines(log).stream().map(Integer::valueOf).toList();
  }
}
