package dev.jobkit.server.support;

import java.util.Arrays;

/**
 * What the threads of this JVM were doing in the service's code, for a failed wait: the tests'
 * services run in the test JVM, and a service that does not answer is most often held somewhere
 * this shows.
 */
public final class ServiceThreads {

  private ServiceThreads() {}

  /**
   * Each thread with a frame of the service ({@code dev.jobkit.server}) on its stack: its name and
   * state, its top frames and its topmost frame of Jobkit's below them; at most 40 threads.
   */
  public static String describe() {
    StringBuilder out = new StringBuilder("\n-- threads in the service's code --");
    Thread.getAllStackTraces().entrySet().stream()
        .filter(
            e ->
                Arrays.stream(e.getValue())
                    .anyMatch(f -> f.getClassName().startsWith("dev.jobkit.server.")))
        .limit(40)
        .forEach(
            e -> {
              out.append('\n')
                  .append(e.getKey().getName())
                  .append(' ')
                  .append(e.getKey().getState());
              Arrays.stream(e.getValue()).limit(4).forEach(f -> out.append("\n    at ").append(f));
              Arrays.stream(e.getValue())
                  .skip(4)
                  .filter(f -> f.getClassName().startsWith("dev.jobkit."))
                  .findFirst()
                  .ifPresent(f -> out.append("\n    … at ").append(f));
            });
    return out.toString();
  }
}
