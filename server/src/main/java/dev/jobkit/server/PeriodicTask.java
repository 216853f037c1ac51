package dev.jobkit.server;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Background work that runs on a daemon thread of its own ({@link DaemonThreads#named}), first
 * after {@code initialDelay}, then {@code period} after each run ended, from {@link #start()} until
 * {@link #stop()}; for the service's {@code SmartLifecycle} beans, which delegate to it.
 *
 * <p>A run that throws is handed to {@code onFailure} (which logs it, in the owner's words and with
 * its logger) and the next run comes as planned: a {@link ScheduledExecutorService} would otherwise
 * cancel every later run without a word. {@link #stop()} interrupts a run under way ({@code
 * shutdownNow}) and does not wait for it: the work these tasks do is safe to cut short.
 *
 * <pre>{@code
 * new PeriodicTask("pg-statistics", Duration.ZERO, Duration.ofSeconds(5), this::refresh,
 *     e -> log.warn("could not refresh the statistics of the job tables: {}", e.toString()));
 * }</pre>
 */
public final class PeriodicTask {

  private final String threadName;
  private final Duration initialDelay;
  private final Duration period;
  private final Runnable action;
  private final Consumer<RuntimeException> onFailure;
  private volatile ScheduledExecutorService timer;

  /**
   * A task that is not running yet.
   *
   * @param threadName the prefix of its thread's name ({@code threadName-1})
   * @param initialDelay from {@link #start()} to the first run, to the millisecond
   * @param period from the end of a run to the start of the next, to the millisecond
   * @param action one run
   * @param onFailure what to do with what a run threw; the runs go on after it
   */
  public PeriodicTask(
      String threadName,
      Duration initialDelay,
      Duration period,
      Runnable action,
      Consumer<RuntimeException> onFailure) {
    this.threadName = threadName;
    this.initialDelay = initialDelay;
    this.period = period;
    this.action = action;
    this.onFailure = onFailure;
  }

  /** Starts the thread and schedules the runs. */
  public void start() {
    timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadName));
    timer.scheduleWithFixedDelay(
        this::runQuietly, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops the runs, interrupting one under way; nothing if not running. */
  public void stop() {
    ScheduledExecutorService t = timer;
    timer = null;
    if (t != null) {
      t.shutdownNow();
    }
  }

  /** Whether it was started and not stopped since. */
  public boolean isRunning() {
    return timer != null;
  }

  private void runQuietly() {
    try {
      action.run();
    } catch (RuntimeException e) {
      onFailure.accept(e);
    }
  }
}
