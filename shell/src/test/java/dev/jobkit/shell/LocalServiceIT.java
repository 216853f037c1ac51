package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.shell.local.LocalService;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.Tmux;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no URL configured the shell starts the local service of its data dir (here a temp dir) as a
 * background process, connects with its admin key, and leaves it running for the jobs; {@code
 * service status|stop} manage it.
 */
class LocalServiceIT {

  /**
   * Generous: the service starts in about 10 s when the machine is idle, but CI runs four test
   * classes at once on two cores. The test is about what happens, not how fast.
   */
  private static final Duration START = Duration.ofMinutes(10);

  @TempDir Path dataDir;

  @AfterEach
  void stopTheServiceEvenIfTheTestFailed() {
    LocalService.of(dataDir).stop(Duration.ofSeconds(60));
  }

  private Map<String, String> env() {
    return Map.of("JOBKIT_HOME", dataDir.toString(), "JOBKIT_START_TIMEOUT", "8m");
  }

  @Test
  void the_shell_starts_the_local_service_in_the_background_and_its_jobs_outlive_the_shell() {
    Jobkit.Result before = Jobkit.run(env(), "service", "status");
    assertThat(before.exitCode()).as(before.toString()).isEqualTo(5);
    assertThat(before.out()).contains("is not running");
    // The exit code is the local service's, also when the shell is pointed elsewhere.
    Map<String, String> elsewhere = new java.util.HashMap<>(env());
    elsewhere.put("JOBKIT_URL", "http://127.0.0.1:9");
    Jobkit.Result pointedElsewhere = Jobkit.run(elsewhere, "service", "status");
    assertThat(pointedElsewhere.exitCode()).as(pointedElsewhere.toString()).isEqualTo(5);
    assertThat(pointedElsewhere.out()).contains("is not running").contains("pointed elsewhere");

    // A start timeout that is no duration is refused before anything starts.
    Map<String, String> badTimeout = new java.util.HashMap<>(env());
    badTimeout.put("JOBKIT_START_TIMEOUT", "5");
    Jobkit.Result notADuration = Jobkit.run(badTimeout, "status");
    assertThat(notADuration.exitCode()).as(notADuration.toString()).isEqualTo(5);
    assertThat(notADuration.err()).contains("JOBKIT_START_TIMEOUT needs a unit: 5s, 5m or 5h");
    assertThat(dataDir.resolve("service.properties")).doesNotExist();

    try (Tmux tmux = Tmux.start(env(), Jobkit.commandLine())) {
      // The prompt does not wait for the service.
      tmux.awaitText("jobkit>", START);
      tmux.line("job submit --name outlives sleep 300");
      tmux.awaitText("submitted job_", START);
      String id = tmux.find("submitted (job_[a-z0-9]+)", null);
      tmux.awaitText("connected to http://127.0.0.1:", START);
      tmux.line("exit");
      tmux.awaitText("[exited 0]", START);

      Jobkit.Result status = Jobkit.run(env(), "service", "status");
      assertThat(status.exitCode()).as(status.toString()).isZero();
      assertThat(status.out()).contains("running: http://127.0.0.1:").contains("as admin");
      long pid = LocalService.of(dataDir).running().orElseThrow().pid();

      Jobkit.Result list = Jobkit.run(env(), "job", "list", "--status", "running");
      assertThat(list.out()).contains(id).contains("outlives");
      Jobkit.Result whoami = Jobkit.run(env(), "status");
      assertThat(whoami.out()).contains("as admin").contains("local service of " + dataDir);

      // A key of one's own acts as its user on the local service too, never silently as admin.
      assertThat(Jobkit.run(env(), "user", "create", "lee").exitCode()).isZero();
      String leesKey =
          Jobkit.run(env(), "user", "key", "lee").out().lines().findFirst().orElseThrow();
      Map<String, String> asLee = new java.util.HashMap<>(env());
      asLee.put("JOBKIT_API_KEY", leesKey.strip());
      Jobkit.Result lee = Jobkit.run(asLee, "status");
      assertThat(lee.out())
          .as(lee.toString())
          .contains("as lee")
          .contains("local service of " + dataDir)
          .contains("key of JOBKIT_API_KEY");

      // Stopping the service would end the running job: without a terminal it needs --yes.
      Jobkit.Result refused = Jobkit.run(env(), "service", "stop");
      assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
      assertThat(refused.err()).contains("1 active job(s)").contains("--yes");
      assertThat(LocalService.of(dataDir).running()).isPresent();

      Jobkit.Result stop = Jobkit.run(env(), "service", "stop", "--yes");
      assertThat(stop.exitCode()).as(stop.toString()).isZero();
      assertThat(stop.out()).contains(id);
      assertThat(stop.out()).contains("stopped the local service (pid " + pid + ")");
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(Jobkit.run(env(), "service", "status").exitCode()).isEqualTo(5);
    }
  }
}
