package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The jobs of a live table ({@code job watch}, {@code job list --watch}), most recently changed
 * first, and the table on the terminal kept up with them.
 *
 * <p>A job's progress is read only when the job is read (the service reads the job's progress file
 * then), and a change of progress is no event. So while the table is shown, the running jobs among
 * the rows shown are read again every {@link #REFRESH} (those past {@code … and N more} are not),
 * and the table is redrawn then, ELAPSED with it, even when nothing happened.
 */
final class LiveJobs {

  /** How often the running jobs shown are read again for their progress, and the table redrawn. */
  static final Duration REFRESH = Duration.ofSeconds(2);

  private final JobkitClient client;
  private final Renderer render;
  private final boolean terminal;
  private final String empty;
  private final List<Job> jobs = new ArrayList<>();
  private int drawn;
  private Instant refreshed = Instant.now();

  /**
   * @param terminal whether the table is drawn on a terminal (and kept there); without one, nothing
   *     is drawn or read again here
   * @param empty what the table says while it has no jobs
   */
  LiveJobs(JobkitClient client, Renderer render, boolean terminal, String empty) {
    this.client = client;
    this.render = render;
    this.terminal = terminal;
    this.empty = empty;
  }

  /** The client the jobs are read with. */
  JobkitClient client() {
    return client;
  }

  /** Whether the table is drawn on a terminal. */
  boolean terminal() {
    return terminal;
  }

  /** The jobs, the most recently changed first. */
  List<Job> jobs() {
    return List.copyOf(jobs);
  }

  /** {@code job} changed: it goes first. */
  void changed(Job job) {
    remove(job.id());
    jobs.add(0, job);
  }

  /** The job with this id is gone (deleted). */
  void remove(String id) {
    jobs.removeIf(j -> j.id().equals(id));
  }

  /** What {@link #relisted} found: the jobs that changed and those that left the list. */
  record Changes(List<Job> changed, List<String> left) {}

  /**
   * Makes {@code listed} (a list read again, in its own order) the jobs: those that are new or
   * whose state changed go first, in the list's order; the others keep their places; those not in
   * it any more leave. The first list makes every job new.
   */
  Changes relisted(List<Job> listed) {
    Map<String, Job> before = new LinkedHashMap<>();
    jobs.forEach(j -> before.put(j.id(), j));
    List<Job> changed = new ArrayList<>();
    Map<String, Job> now = new LinkedHashMap<>();
    for (Job j : listed) {
      now.put(j.id(), j);
      Job was = before.get(j.id());
      if (was == null || !State.of(was).equals(State.of(j))) {
        changed.add(j);
      }
    }
    List<String> left = before.keySet().stream().filter(id -> !now.containsKey(id)).toList();
    List<Job> kept = new ArrayList<>();
    for (Job j : jobs) {
      if (now.containsKey(j.id()) && !changed.contains(now.get(j.id()))) {
        kept.add(now.get(j.id())); // its progress and times as read now
      }
    }
    jobs.clear();
    jobs.addAll(changed);
    jobs.addAll(kept);
    return new Changes(changed, left);
  }

  /** Draws the table on the terminal over the last one; nothing without a terminal. */
  void draw() {
    if (terminal) {
      drawn = render.redraw(jobs, empty, drawn);
      refreshed = Instant.now();
    }
  }

  /**
   * Once {@link #REFRESH} has passed since the last drawing: reads the running jobs shown again and
   * redraws. Nothing without a terminal.
   */
  void refreshIfDue() {
    if (!terminal || Instant.now().isBefore(refreshed.plus(REFRESH))) {
      return;
    }
    int shown = render.liveRowsShown(jobs.size());
    for (int i = 0; i < Math.min(shown, jobs.size()); i++) {
      Job j = jobs.get(i);
      if (j.status() != JobStatus.RUNNING) {
        continue;
      }
      Optional<Job> read = read(() -> client.jobs().get(j.id()));
      if (Thread.currentThread().isInterrupted()) {
        return; // Ctrl-C: the loop's next read of the events ends the watch
      }
      if (read.isPresent()) {
        jobs.set(i, read.get());
      }
    }
    draw();
  }

  /**
   * What {@code read} reads; empty when it is gone, or the read may heal (the service restarting:
   * the next one tries again), or it was interrupted (Ctrl-C): the interrupt is left for the loop's
   * next read of the events, which ends the watch as Ctrl-C should.
   */
  static <T> Optional<T> read(Supplier<T> read) {
    try {
      return Optional.of(read.get());
    } catch (NotFoundException gone) {
      return Optional.empty();
    } catch (JobkitException e) {
      if (!e.isRetryable() && !Thread.currentThread().isInterrupted()) {
        throw e;
      }
      return Optional.empty();
    }
  }

  /** What of a job a live table counts as a change of it: not its progress, not the time. */
  private record State(
      JobStatus status,
      String name,
      String reason,
      int attempt,
      Accessibility accessibility,
      int priority,
      int pods) {

    static State of(Job j) {
      return new State(
          j.status(),
          j.displayName(),
          Objects.toString(j.statusReason(), ""),
          j.attempt(),
          j.accessibility(),
          j.priority(),
          j.podCount());
    }
  }
}
