package dev.jobkit.server.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each way of tracking a pod's descendants, alone: a pod started as the test's own user (no pod uid
 * whose processes are killed anyway), whose escapees are found and killed by the mechanism only.
 */
class DescendantsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  static Stream<String> mechanisms() {
    return Stream.of("cgroup", "marker");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mechanisms")
  void escaped_descendants_are_found_and_killed(String mechanism) throws IOException {
    assumeTrue(PosixSpawn.available(), "needs posix_spawn with POSIX_SPAWN_SETSID");
    assumeTrue(
        !mechanism.equals("cgroup") || CgroupDescendants.create(0).isPresent(),
        "this machine gives the test no cgroups");
    Descendants descendants = Descendants.choose(mechanism, 0);
    String marker = HexFormat.of().formatHex(randomBytes());
    Descendants.Tree tree = descendants.track("test", 1, 0, marker);
    PosixSpawn.Spawned pod =
        PosixSpawn.spawn(
            "/bin/sh",
            List.of(
                "sh",
                "-c",
                "setsid sleep 300 & (setsid sh -c 'sleep 300 & sleep 300 &' &); sleep 300 &"
                    + " echo started"),
            Map.of("PATH", "/usr/bin:/bin", "JOBKIT_POD_MARKER", marker),
            dir,
            dir.resolve("log"),
            Runnable::run,
            null,
            tree.spawnInto());
    // The pod's main process is gone; four sleeps live on, three outside its process group.
    assertThat(pod.exit().join()).isZero();
    await().atMost(TIMEOUT).until(() -> tree.members().size() == 4);
    List<Long> escaped = tree.members();

    int killed = tree.killAll(TIMEOUT);
    tree.release();

    assertThat(killed).isEqualTo(4);
    assertThat(tree.members()).isEmpty();
    for (long pid : escaped) {
      // Dead, and reaped: as zombies of an init that reaps, or of this JVM as subreaper.
      await().atMost(TIMEOUT).until(() -> !Files.exists(Path.of("/proc", Long.toString(pid))));
    }
    if (mechanism.equals("cgroup")) {
      // Removed at once, or a moment later if the kernel still held it.
      Path cgroup = tree.spawnInto().into().getParent();
      await().atMost(TIMEOUT).until(() -> !Files.exists(cgroup));
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
