package dev.jobkit.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles of a sample, in milliseconds. */
record Stats(double p50, double p99, double min, double max, int count) {

  static Stats ofNanos(List<Long> nanos) {
    double[] ms = nanos.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
    return new Stats(percentile(ms, 50), percentile(ms, 99), ms[0], ms[ms.length - 1], ms.length);
  }

  static Stats ofMillis(double[] values) {
    double[] ms = values.clone();
    Arrays.sort(ms);
    return new Stats(percentile(ms, 50), percentile(ms, 99), ms[0], ms[ms.length - 1], ms.length);
  }

  /** The middle value, or the mean of the two middle ones: the figure over a benchmark's rounds. */
  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Nearest-rank percentile of sorted values. */
  private static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  @Override
  public String toString() {
    return String.format(
        "p50 %.2f ms, p99 %.2f ms (min %.2f, max %.2f, n=%d)", p50, p99, min, max, count);
  }
}
