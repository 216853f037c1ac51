package dev.jobkit.server.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What {@code /proc} tells of the machine's processes; a process that ends meanwhile is skipped.
 */
final class Procs {

  private Procs() {}

  /** The pids of the processes whose {@code /proc/<pid>} directory passes {@code test}. */
  static List<Long> matching(Predicate<Path> test) {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(test)
          .forEach(p -> pids.add(Long.parseLong(p.getFileName().toString())));
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return pids;
  }

  /**
   * Field {@code index} of {@code /proc/<pid>/stat} counted after the command name, which is in
   * parentheses and may hold spaces (0: the state, 1: the parent, 2: the process group), or null
   * when the process is gone.
   */
  static String stat(Path proc, int index) {
    try {
      String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
      int close = stat.lastIndexOf(')');
      if (close < 0) {
        return null;
      }
      String[] fields = stat.substring(close + 2).split(" ", index + 2);
      return fields.length > index ? fields[index] : null;
    } catch (IOException | RuntimeException gone) {
      return null;
    }
  }

  /** Whether the process is a zombie (ended, not yet reaped). */
  static boolean isZombie(Path proc) {
    return "Z".equals(stat(proc, 0));
  }
}
