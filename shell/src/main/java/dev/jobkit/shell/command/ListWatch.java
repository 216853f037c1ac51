package dev.jobkit.shell.command;

import dev.jobkit.sdk.EventStream;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.shell.render.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code job list --watch}, as kubectl's {@code get -w}: the list, then kept live from the events
 * of every job the key may see. The list is what {@code job list} with the same options would print
 * now: an event makes it read again (the filters are the service's to apply, not the shell's), at
 * most once a {@link #RELIST} while events come close together, and once more when they stop. On a
 * terminal the live table is redrawn in place ({@link LiveJobs}); without one, each job that
 * changed prints a row of its own after the first table, and so does each job that left the list
 * (its new state says why; {@code (deleted)} if it is gone).
 */
final class ListWatch implements EventLoop.Hook {

  /** How long without an event before a list read put off is done. */
  private static final Duration QUIET = Duration.ofMillis(500);

  /** At most one list read this often while events keep coming. */
  private static final Duration RELIST = Duration.ofSeconds(1);

  private final JobkitClient client;
  private final Supplier<List<Job>> read;
  private final Renderer render;
  private final LiveJobs live;
  private Instant listedAt = Instant.MIN;
  private boolean pending;

  private ListWatch(JobkitClient client, Supplier<List<Job>> read, Renderer render, LiveJobs live) {
    this.client = client;
    this.read = read;
    this.render = render;
    this.live = live;
  }

  /**
   * Watches the list {@code read} reads until {@code until} (null: until Ctrl-C).
   *
   * @return {@link Exits#OK}, or {@link Exits#INTERRUPTED} after Ctrl-C
   */
  static int run(Invocation in, Supplier<List<Job>> read, Instant until) {
    JobkitClient client = in.client();
    Renderer render = in.render();
    boolean terminal = in.session().terminalOutput();
    // Subscribed before the list is read, so no change after the read is missed.
    try (EventStream events = client.jobs().watchAll()) {
      ListWatch watch =
          new ListWatch(
              client, read, render, new LiveJobs(client, render, terminal, "no jobs match"));
      watch.live.relisted(read.get());
      watch.listedAt = Instant.now();
      if (terminal) {
        render.note(
            "watching the list"
                + (until == null ? "; Ctrl-C stops" : " until " + Times.absolute(until)));
        watch.live.draw();
      } else {
        render.liveTablePlain(watch.live.jobs());
      }
      // Ctrl-C ends the watch as its deadline would: with nothing more to say.
      return EventLoop.run(events, until, QUIET, watch).isPresent() ? Exits.INTERRUPTED : Exits.OK;
    }
  }

  @Override
  public boolean onEvent(JobEvent event) {
    pending = true;
    if (!Instant.now().isBefore(listedAt.plus(RELIST))) {
      relist();
    }
    live.refreshIfDue();
    return true;
  }

  @Override
  public boolean onQuiet() {
    if (pending) {
      relist();
    }
    live.refreshIfDue();
    return true;
  }

  private void relist() {
    Optional<List<Job>> listed = LiveJobs.read(read);
    if (listed.isEmpty()) {
      return; // still pending: read again at the next quiet spell
    }
    pending = false;
    listedAt = Instant.now();
    LiveJobs.Changes changes = live.relisted(listed.get());
    if (live.terminal()) {
      live.draw();
      return;
    }
    changes.changed().forEach(render::liveRowPlain);
    for (String id : changes.left()) {
      try {
        render.liveRowPlain(client.jobs().get(id));
      } catch (NotFoundException gone) {
        render.text(id + "  (deleted)");
      } catch (JobkitException e) {
        if (!e.isRetryable() && !Thread.currentThread().isInterrupted()) {
          throw e;
        }
      }
    }
  }
}
