package dev.jobkit.shell.command;

import dev.jobkit.sdk.EventStream;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.jobs.JobEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Feeds the events of an SDK {@link EventStream} to a hook until the hook has seen enough, a
 * deadline passes or the person presses Ctrl-C: the one loop behind {@code job submit --wait} and
 * {@code job watch}. It is not the SDK's {@code Jobs.await}, which shows nothing of the events it
 * waits through and opens its own stream, while {@code job submit --wait} must subscribe before the
 * job it follows exists.
 */
final class EventLoop {

  /** What to do with each event, and with a quiet spell. */
  interface Hook {
    /** An event came; true to keep reading. */
    boolean onEvent(JobEvent event);

    /** No event came for a while; true to keep reading. */
    default boolean onQuiet() {
      return true;
    }
  }

  private EventLoop() {}

  /**
   * Reads {@code events} into {@code hook}.
   *
   * @param until when to stop reading, or null for never
   * @param quiet how long without an event counts as a quiet spell
   * @return the failure of the read (of the stream, or the hook's own) that the thread's interrupt
   *     (Ctrl-C) broke off, the interrupt consumed; empty if it stopped for another reason
   */
  static Optional<JobkitException> run(
      EventStream events, Instant until, Duration quiet, Hook hook) {
    while (until == null || Instant.now().isBefore(until)) {
      Duration wait =
          until == null
              ? quiet
              : Duration.ofMillis(
                  Math.max(
                      1,
                      Math.min(
                          quiet.toMillis(), Duration.between(Instant.now(), until).toMillis())));
      boolean more;
      try {
        Optional<JobEvent> event = events.next(wait);
        // The hook may call the service too (a re-read at the end): Ctrl-C there is the same.
        more = event.isEmpty() ? hook.onQuiet() : hook.onEvent(event.get());
      } catch (JobkitException interrupted) {
        if (Thread.interrupted()) {
          return Optional.of(interrupted);
        }
        throw interrupted;
      }
      if (!more) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
