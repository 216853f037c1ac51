package dev.jobkit.sdk;

import dev.jobkit.sdk.internal.Json;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Live events, as they are committed: transitions, and renames and visibility changes ({@link
 * JobEvent#kind()} says which). Reconnects by itself after a dropped connection with the last event
 * id it saw, so no event is missed or repeated. Close it when done.
 *
 * <pre>{@code
 * try (EventStream events = client.jobs().watch(job.id())) {
 *   events.next(Duration.ofSeconds(30)).ifPresent(e -> System.out.println(e.toStatus()));
 * }
 * }</pre>
 */
public final class EventStream implements AutoCloseable {

  private static final Set<String> KINDS =
      Arrays.stream(EventKind.values()).map(EventKind::wireName).collect(Collectors.toSet());

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final EventSource source;
  private final String jobId;
  private volatile Job initialState;
  private volatile boolean ended;

  EventStream(JobkitClient client, String jobId, Long afterEventId) {
    this(client, jobId, afterEventId, Duration.ofSeconds(10));
  }

  /**
   * @param openWait how long to wait for the service to subscribe the stream before returning: the
   *     stream goes on trying after it
   */
  EventStream(JobkitClient client, String jobId, Long afterEventId, Duration openWait) {
    this.jobId = jobId;
    String base = client.baseUrl() + "/api/v1/events/stream";
    String uri =
        jobId == null
            ? base
            : base
                + "?job_id="
                + java.net.URLEncoder.encode(jobId, java.nio.charset.StandardCharsets.UTF_8);
    this.source =
        new EventSource(
            client,
            lastId -> java.net.URI.create(uri),
            afterEventId == null ? null : afterEventId.toString(),
            event -> {
              // The service names each event by its kind; other events (none yet) are skipped.
              if (KINDS.contains(event.name())) {
                queue.add(Json.MAPPER.readValue(event.data(), JobEvent.class));
              }
              return EventSource.Next.CONTINUE;
            },
            queue::add);
    // "From now on" means from the return of watch(): wait until the service has subscribed us.
    source.awaitOpen(
        openWait.compareTo(Duration.ofSeconds(10)) < 0 ? openWait : Duration.ofSeconds(10));
  }

  /** Starts a one-job watch from the job as read once subscribed. */
  EventStream startingFrom(Job job) {
    this.initialState = job;
    this.ended = job.status().isTerminal();
    return this;
  }

  /**
   * The watched job as it was when the watch opened, read once the stream was subscribed, so no
   * change after it is missed: a watcher needs no {@code get} first. Empty for a watch of every
   * job.
   *
   * @return the job as the watch started from
   */
  public Optional<Job> initialState() {
    return Optional.ofNullable(initialState);
  }

  /**
   * Whether the watched job has ended: its last transition (to a terminal state) has been returned
   * by {@link #next}, or it had ended before the watch opened. {@link #next} then returns empty at
   * once. Always false for a watch of every job.
   *
   * @return true once nothing more will come for the watched job
   */
  public boolean ended() {
    return ended && queue.isEmpty();
  }

  /**
   * The next event, waiting at most {@code timeout}; empty if none came, or at once if the watched
   * job has {@linkplain #ended() ended}.
   *
   * @param timeout how long to wait for one at most
   * @return the event, if one came
   * @throws JobkitException if the service refused the stream (for example 404 for a job this key
   *     may not see)
   */
  public Optional<JobEvent> next(Duration timeout) {
    try {
      Object item =
          ended ? queue.poll() : queue.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
      if (item instanceof JobkitException failure) {
        queue.add(failure); // every later call fails the same way
        throw failure;
      }
      JobEvent event = (JobEvent) item;
      if (event != null && jobId != null && event.isTransition() && event.toStatus().isTerminal()) {
        ended = true;
      }
      return Optional.ofNullable(event);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobkitException("interrupted while waiting for an event", e);
    }
  }

  /**
   * The id of the last event received, to resume a later stream after it.
   *
   * @return the id, or empty before the stream was first subscribed
   */
  public Optional<Long> lastEventId() {
    return Optional.ofNullable(source.lastId()).map(Long::valueOf);
  }

  @Override
  public void close() {
    source.close();
  }
}
