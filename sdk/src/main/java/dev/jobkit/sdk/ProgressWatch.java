package dev.jobkit.sdk;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.Progress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A running watch of one job's progress and metrics ({@link Jobs#watchProgress}): it tells its
 * {@link ProgressListener} each change until the job ends, then ends. Close it to stop early.
 *
 * <p>The service reads what a running job reports when the job is shown, so the watch reads the job
 * every {@code interval} while it runs; it also listens to the job's events, and reads it at once
 * when it moves, so its end is told as soon as it is committed, not an interval later. A read that
 * fails in a way that may heal is tried again at the next interval, for as long as the job runs, as
 * a waiter does; {@link #awaitEnd} is what bounds a caller's wait.
 */
public final class ProgressWatch implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ProgressWatch.class.getName());

  private final JobkitClient client;
  private final String jobId;
  private final Duration interval;
  private final ProgressListener listener;
  private final EventStream events;
  private final URI uri;
  private final CompletableFuture<Job> end = new CompletableFuture<>();
  private final ReentrantLock calling = new ReentrantLock();
  private final Thread thread;
  private volatile boolean closed;
  private volatile Job lastSeen;
  private boolean streamFailed;

  ProgressWatch(
      JobkitClient client,
      String jobId,
      Duration interval,
      ProgressListener listener,
      EventStream events,
      Job first) {
    this.client = client;
    this.jobId = jobId;
    this.interval = interval;
    this.listener = listener;
    this.events = events;
    this.lastSeen = first;
    this.uri =
        URI.create(
            client.baseUrl() + "/api/v1/jobs/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8));
    this.thread = new Thread(() -> run(first), "jobkit-progress");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(Job first) {
    Job told = null;
    Job job = first;
    try {
      while (!closed) {
        if (job != null) {
          lastSeen = job;
          if (told == null || changed(told, job)) {
            told = job;
            Job now = job;
            call(() -> listener.onProgress(now));
          }
          if (job.status().isTerminal()) {
            Job now = job;
            call(() -> listener.onEnd(now));
            end.complete(job);
            return;
          }
        }
        waitForNews();
        if (closed) {
          return;
        }
        try {
          job = client.jobs().get(jobId);
        } catch (JobkitException failure) {
          if (closed) {
            return;
          }
          boolean willRetry = failure.isRetryable();
          call(() -> listener.onFailure(failure, willRetry));
          if (!willRetry) {
            end.completeExceptionally(failure);
            return;
          }
          job = null;
        }
      }
    } finally {
      events.close();
      if (!end.isDone()) {
        end.completeExceptionally(
            new JobkitException(
                "the progress watch of job " + jobId + " was closed before the job ended", null));
      }
    }
  }

  /**
   * Returns at the job's next event, or once {@code interval} has passed without one: either way
   * the job is read again.
   */
  private void waitForNews() {
    try {
      if (streamFailed || events.ended()) {
        // No event will come (the stream has given its last one, or gave up): the watch polls.
        Thread.sleep(Math.max(1, interval.toMillis()));
        return;
      }
      events.next(interval);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (JobkitException failure) {
      // The stream gave up (the client was closed, or the job is gone): the read that follows at
      // once says which, and ends the watch if it cannot heal.
      streamFailed = true;
    }
  }

  /** Whether the job reports something else than when it was last told. */
  static boolean changed(Job before, Job now) {
    Progress a = before.progress();
    Progress b = now.progress();
    boolean progressChanged =
        (a == null) != (b == null)
            || a != null
                && (!Objects.equals(a.percent(), b.percent())
                    || !Objects.equals(a.message(), b.message()));
    return progressChanged || !before.metrics().equals(now.metrics());
  }

  /** Calls the listener, unless closed; what it throws is reported and the watch goes on. */
  private void call(Runnable callback) {
    calling.lock();
    try {
      if (closed) {
        return;
      }
      callback.run();
    } catch (RuntimeException e) {
      StreamListener streams = client.streamListener();
      LOG.log(
          streams == StreamListener.NONE ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
          "a ProgressListener threw; the watch goes on",
          e);
      try {
        streams.onCallbackFailure(uri, e);
      } catch (RuntimeException ignored) {
        LOG.log(System.Logger.Level.DEBUG, "a StreamListener threw", ignored);
      }
    } finally {
      calling.unlock();
    }
  }

  /**
   * Waits for the job to end, the listener told.
   *
   * @param timeout how long to wait at most
   * @return the job as read once ended
   * @throws WaitTimeoutException if it did not end within {@code timeout} ({@link
   *     WaitTimeoutException#lastSeen()} is the job as last read)
   * @throws JobkitException what ended the watch before the job: a failure that could not heal
   *     ({@link NotFoundException} for a job deleted meanwhile), the watch or its client closed, or
   *     the thread interrupted (its interrupt flag stays set)
   */
  public Job awaitEnd(Duration timeout) {
    try {
      return end.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new WaitTimeoutException(jobId, lastSeen, timeout, null);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof JobkitException j
          ? j
          : new JobkitException("watching the progress of job " + jobId + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobkitException("interrupted while watching the progress of job " + jobId, e);
    }
  }

  /**
   * The job as the watch last read it.
   *
   * @return the job; the one the watch opened with until it reads another
   */
  public Job lastSeen() {
    return lastSeen;
  }

  /**
   * Whether the watch is over: the job ended, a failure that cannot heal ended it, or it was
   * closed.
   *
   * @return true once no more calls will come
   */
  public boolean done() {
    return end.isDone();
  }

  /**
   * Stops the watch. No call of the listener starts after this returns; one that is running when it
   * is called (from another thread) is waited for. {@link #awaitEnd} then throws, unless the job
   * had ended. Closing twice does nothing.
   */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    events.close();
    // Waits for a call that is running to return (not when called from that call itself).
    calling.lock();
    calling.unlock();
    if (!end.isDone()) {
      end.completeExceptionally(
          new JobkitException(
              "the progress watch of job " + jobId + " was closed before the job ended", null));
    }
  }
}
