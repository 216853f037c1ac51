package dev.jobkit.sdk;

import dev.jobkit.sdk.jobs.Job;

/**
 * Told what a running job reports: its progress ({@link Job#progress()}: percent and message) and
 * its metrics ({@link Job#metrics()}), each time they change, then the job's end. Given to {@link
 * Jobs#watchProgress}; only {@link #onProgress} must be written, so a lambda will do.
 *
 * <pre>{@code
 * try (ProgressWatch watch =
 *     client.jobs().watchProgress(id, Duration.ofSeconds(2), job ->
 *         System.out.println(job.progress() + " " + job.metrics()))) {
 *   Job done = watch.awaitEnd(Duration.ofHours(1));
 * }
 * }</pre>
 *
 * <p>Methods are called one at a time, on the watch's own thread; what they throw is reported to
 * the client's {@link StreamListener#onCallbackFailure} (and logged when it has none), and the
 * watch goes on.
 */
public interface ProgressListener {

  /**
   * The job as first read when the watch opened, then each time its progress's percent or message
   * or its metrics differ from the last call's (a rewrite of the same values calls nothing). The
   * last call, if the job's final values differ, comes before {@link #onEnd}.
   *
   * @param job the job as read: {@link Job#progress()} (null until the job first reports) and
   *     {@link Job#metrics()} (empty until then) are what changed
   */
  void onProgress(Job job);

  /**
   * The job has ended: the watch's last call.
   *
   * @param job the job as read once ended, with the progress and metrics the service kept
   */
  default void onEnd(Job job) {}

  /**
   * A read of the job failed. A failure that may heal (the service restarting, a dropped
   * connection, a 503 or a 429) is tried again at the next interval; one that cannot (the job was
   * deleted, the key is refused, the client was closed) ends the watch, and {@link
   * ProgressWatch#awaitEnd} throws it.
   *
   * @param failure what went wrong
   * @param willRetry true when the watch goes on; false when this failure ended it
   */
  default void onFailure(JobkitException failure, boolean willRetry) {}
}
