package dev.jobkit.server.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A session's scheduling group, as {@code /proc/<pid>/autogroup} shows it ({@code /autogroup-85
 * nice 0}), where the kernel groups sessions for the scheduler ({@code sched_autogroup_enabled}).
 *
 * @param name the group's name; empty for the kernel's default group (the sessions of {@code init}
 *     and of whatever it starts without a session of its own, as CI's runner does), whose file is
 *     empty and which weighs as nice 0
 * @param nice its nice value
 */
public record SessionGroup(String name, int nice) {

  /** The group of this JVM's session, or empty where the kernel does not group sessions. */
  public static Optional<SessionGroup> ofThisProcess() {
    Path own = Path.of("/proc/self/autogroup");
    try {
      if (!Files.exists(own)
          || !Files.readString(Path.of("/proc/sys/kernel/sched_autogroup_enabled"))
              .strip()
              .equals("1")) {
        return Optional.empty();
      }
      return Optional.of(parse(Files.readString(own)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The group a line of {@code /proc/<pid>/autogroup} names; an empty line, the default group. */
  public static SessionGroup parse(String line) {
    if (line.isBlank()) {
      return new SessionGroup("", 0);
    }
    String[] fields = line.strip().split(" ");
    return new SessionGroup(fields[0], Integer.parseInt(fields[2]));
  }

  /**
   * A shell script that waits (up to a minute) until its own session's group has nice value {@code
   * nice}, which the service sets once the pod has started, then prints its {@code
   * /proc/$$/autogroup}.
   */
  public static String awaitAndPrint(int nice) {
    return "for i in $(seq 600); do grep -q ' nice "
        + nice
        + "$' /proc/$$/autogroup && break; sleep 0.1; done; cat /proc/$$/autogroup";
  }
}
