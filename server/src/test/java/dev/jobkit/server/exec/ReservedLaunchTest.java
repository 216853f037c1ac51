package dev.jobkit.server.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.server.JobkitProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * A launch the engine reserved so it could record {@code RUNNING} before the pods exist: a stop
 * that comes in between finds the job alive and ends its pods as they start, so no process of a
 * stopped job runs on. Real processes, no Spring.
 */
class ReservedLaunchTest {

  @TempDir Path dataDir;

  private StandaloneExecutor local;

  @BeforeEach
  void start() {
    JobkitProperties properties =
        new Binder(
                new MapConfigurationPropertySource(
                    Map.of("jobkit.data-dir", dataDir.toString(), "jobkit.executor.slots", "2")))
            .bindOrCreate("jobkit", JobkitProperties.class);
    local = StandaloneExecutor.start(properties, "http://127.0.0.1:1");
  }

  @AfterEach
  void stop() {
    local.shutdown();
  }

  private static JobExecutor.Launch launch(String jobId, String... command) {
    return new JobExecutor.Launch(jobId, 1, 1, List.of(command), null, Map.of(), 1, "jkt_test");
  }

  @Test
  void a_stop_between_the_reservation_and_the_start_ends_the_pods_as_they_start() throws Exception {
    JobExecutor executor = local.executor();
    JobExecutor.Launch launch = launch("job_reserved", "sleep", "600");
    assertThat(executor.reserve(launch)).isTrue();

    assertThat(executor.terminate("job_reserved", false)).isTrue();
    JobExecutor.StartedAttempt started = executor.start(launch);
    CompletableFuture<JobExecutor.AttemptEnd> end = new CompletableFuture<>();
    started.watch(end::complete);

    JobExecutor.AttemptEnd ended = end.get(30, TimeUnit.SECONDS);
    assertThat(ended.terminated()).isTrue();
    assertThat(ended.exitCodes()).containsExactly(143); // TERM, within the grace period
    assertThat(executor.terminate("job_reserved", true)).isFalse();
  }

  /** A world-readable directory with an executable {@code jobkit-which} that exits {@code code}. */
  private static Path programDir(boolean withProgram, int code) throws Exception {
    Path dir =
        Files.createTempDirectory(
            "jobkit-path-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    if (withProgram) {
      writeProgram(dir, code);
    }
    return dir;
  }

  private static void writeProgram(Path dir, int code) throws Exception {
    Path program = dir.resolve("jobkit-which");
    Files.writeString(program, "#!/bin/sh\nexit " + code + "\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void the_start_runs_the_program_its_reservation_found_on_the_path() throws Exception {
    Path before = programDir(false, 0);
    Path after = programDir(true, 3);
    try {
      JobExecutor executor = local.executor();
      JobExecutor.Launch launch =
          new JobExecutor.Launch(
              "job_path",
              1,
              1,
              List.of("jobkit-which"),
              null,
              Map.of("PATH", before + ":" + after + ":/usr/bin:/bin"),
              1,
              "jkt_test");
      assertThat(executor.reserve(launch)).isTrue();
      // A program that would win a look now: the start does not look again.
      writeProgram(before, 4);
      JobExecutor.StartedAttempt started = executor.start(launch);
      CompletableFuture<JobExecutor.AttemptEnd> end = new CompletableFuture<>();
      started.watch(end::complete);

      assertThat(end.get(30, TimeUnit.SECONDS).exitCodes()).containsExactly(3);
    } finally {
      for (Path dir : List.of(before, after)) {
        Files.deleteIfExists(dir.resolve("jobkit-which"));
        Files.delete(dir);
      }
    }
  }

  @Test
  void a_reservation_given_back_is_not_a_live_job() {
    JobExecutor executor = local.executor();
    assertThat(executor.reserve(launch("job_given_back", "true"))).isTrue();
    executor.unreserve("job_given_back");

    assertThat(executor.terminate("job_given_back", true)).isFalse();
  }

  @Test
  void a_launch_whose_program_is_missing_is_not_reserved() {
    JobExecutor executor = local.executor();

    assertThat(executor.reserve(launch("job_missing", "no-such-program-jobkit-test"))).isFalse();
    assertThat(executor.terminate("job_missing", true)).isFalse();
  }

  @Test
  void a_terminal_asked_for_while_the_launch_is_reserved_waits_for_its_start() throws Exception {
    JobExecutor executor = local.executor();
    JobExecutor.Launch launch = launch("job_terminal", "sleep", "600");
    assertThat(executor.reserve(launch)).isTrue();
    // Recorded RUNNING already: a person may ask for a terminal before the pods exist.
    CompletableFuture<Void> check =
        CompletableFuture.runAsync(() -> executor.checkTerminal("job_terminal", 0));
    Thread.sleep(200);
    assertThat(check).as("waiting for the pods, not refused").isNotDone();
    JobExecutor.StartedAttempt started = executor.start(launch);
    CompletableFuture<JobExecutor.AttemptEnd> end = new CompletableFuture<>();
    started.watch(end::complete);

    check.get(30, TimeUnit.SECONDS); // no refusal: the pod was there by then
    assertThat(executor.terminate("job_terminal", true)).isTrue();
    end.get(30, TimeUnit.SECONDS);
  }

  @Test
  void a_started_launch_is_terminated_as_usual() throws Exception {
    JobExecutor executor = local.executor();
    JobExecutor.Launch launch = launch("job_started", "sleep", "600");
    assertThat(executor.reserve(launch)).isTrue();
    JobExecutor.StartedAttempt started = executor.start(launch);
    CompletableFuture<JobExecutor.AttemptEnd> end = new CompletableFuture<>();
    started.watch(end::complete);

    assertThat(executor.terminate("job_started", true)).isTrue();
    assertThat(end.get(30, TimeUnit.SECONDS).exitCodes()).containsExactly(137);
  }

  /** The end carries the pids: it records them when their own write has not come yet. */
  @Test
  void an_attempts_end_carries_the_pids_of_its_pods() throws Exception {
    JobExecutor executor = local.executor();
    JobExecutor.Launch launch = launch("job_pids", "true");
    assertThat(executor.reserve(launch)).isTrue();
    JobExecutor.StartedAttempt started = executor.start(launch);
    CompletableFuture<JobExecutor.AttemptEnd> end = new CompletableFuture<>();
    started.watch(end::complete);

    JobExecutor.AttemptEnd ended = end.get(30, TimeUnit.SECONDS);
    assertThat(ended.pids()).isEqualTo(started.pids()).doesNotContainNull().hasSize(1);
    assertThat(ended.pid(0)).isEqualTo(started.pids().get(0));
    assertThat(ended.pid(1)).isNull();
  }
}
