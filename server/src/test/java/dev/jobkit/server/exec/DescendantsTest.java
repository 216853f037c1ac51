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
            new PosixSpawn.Child(null, tree.spawnInto(), 0));
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("mechanisms")
  void a_pods_next_process_group_is_tracked_while_the_one_before_is_still_there(String mechanism)
      throws IOException {
    assumeTrue(
        !mechanism.equals("cgroup") || CgroupDescendants.create(0).isPresent(),
        "this machine gives the test no cgroups");
    Descendants descendants = Descendants.choose(mechanism, 0);
    // A hook of attempt 1, pod 0, whose cgroup the kernel has not let go of yet, then the next
    // hook (or the run) of the same pod: each is tracked on its own.
    Descendants.Tree hook = descendants.track("test", 1, 0, "m1");
    Descendants.Tree next = descendants.track("test", 1, 0, "m2");

    if (mechanism.equals("cgroup")) {
      Path first = hook.spawnInto().into().getParent();
      Path second = next.spawnInto().into().getParent();
      assertThat(second).isNotEqualTo(first);
      assertThat(first).isDirectory();
      assertThat(second).isDirectory();
    }
    assertThat(next.members()).isEmpty();
    hook.release();
    next.release();
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
