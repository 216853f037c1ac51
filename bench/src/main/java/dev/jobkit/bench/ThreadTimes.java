package dev.jobkit.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What each thread of a process did over a stretch of time, from the kernel's scheduler statistics
 * ({@code /proc/<pid>/task/<tid>/schedstat}: nanoseconds on a core, nanoseconds runnable but
 * waiting for one): where a cold service's CPU goes while it answers, and which of its threads wait
 * for a core. Threads are grouped by name without their number ({@code jobkit-launcher-2} → {@code
 * jobkit-launcher}; the kernel keeps 15 characters of a name).
 */
final class ThreadTimes {

  /** {@code /proc/stat} counts in these per second ({@code USER_HZ}: 100 on Linux). */
  private static final long CLOCK_TICKS = 100;

  /** One thread's totals so far. */
  private record Times(String group, long onCoreNanos, long waitingNanos) {}

  private final long pid;
  private final Map<String, Times> start;
  private final long machineStart;

  private ThreadTimes(long pid) {
    this.pid = pid;
    this.start = read(pid);
    this.machineStart = machineBusyTicks();
  }

  /** Starts counting for process {@code pid}'s threads. */
  static ThreadTimes from(long pid) {
    return new ThreadTimes(pid);
  }

  /**
   * Each group's time on a core and waiting for one since {@link #from}, the largest first (at most
   * {@code top}), with the whole machine's busy time: lines to print.
   */
  List<String> since(int top) {
    Map<String, Times> now = read(pid);
    long machine = machineBusyTicks() - machineStart;
    Map<String, long[]> groups = new HashMap<>();
    now.forEach(
        (tid, times) -> {
          Times before = start.getOrDefault(tid, new Times(times.group(), 0, 0));
          long[] sums = groups.computeIfAbsent(times.group(), g -> new long[2]);
          sums[0] += times.onCoreNanos() - before.onCoreNanos();
          sums[1] += times.waitingNanos() - before.waitingNanos();
        });
    long service = groups.values().stream().mapToLong(sums -> sums[0]).sum();
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            "the machine busy %d ms of CPU, the service %d ms; per thread group, on a core and"
                + " waiting for one:",
            machine * 1000 / CLOCK_TICKS, service / 1_000_000));
    groups.entrySet().stream()
        .filter(e -> e.getValue()[0] >= 5_000_000)
        .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
        .limit(top)
        .forEach(
            e ->
                lines.add(
                    String.format(
                        "  %-16s %5d ms  waited %5d ms",
                        e.getKey(), e.getValue()[0] / 1_000_000, e.getValue()[1] / 1_000_000)));
    return lines;
  }

  private static Map<String, Times> read(long pid) {
    Map<String, Times> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String[] schedstat = Files.readString(task.resolve("schedstat")).strip().split(" ");
          String name = Files.readString(task.resolve("comm")).strip();
          threads.put(
              task.getFileName().toString(),
              new Times(
                  name.replaceAll("[-#]?\\d+$", ""),
                  Long.parseLong(schedstat[0]),
                  Long.parseLong(schedstat[1])));
        } catch (NoSuchFileException ended) {
          // A thread that ended while the list was read.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return threads;
  }

  /**
   * Clock ticks all cores spent busy, from {@code /proc/stat}: user, nice, system, irq, softirq and
   * steal (not idle, not waiting for I/O; guest time is counted in user already).
   */
  private static long machineBusyTicks() {
    try {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).split("\\s+");
      long busy = 0;
      for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(cpu[field]);
      }
      return busy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
