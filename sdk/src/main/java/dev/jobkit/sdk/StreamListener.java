package dev.jobkit.sdk;

import java.net.URI;

/**
 * Told what the client's live streams go through: event watches ({@link Jobs#watch}) and log
 * follows ({@link Logs#follow}). A stream reconnects by itself after a dropped connection, resuming
 * where it stopped; this is how a caller learns that it did, or that it gave up. Set one per client
 * with {@link JobkitClient.Builder#streamListener}; the default does nothing.
 *
 * <pre>{@code
 * JobkitClient.builder()
 *     .baseUrl(url)
 *     .streamListener(new StreamListener() {
 *       public void onFailure(URI stream, JobkitException failure, boolean willRetry) {
 *         log.warn("{} failed ({}), {}", stream, failure.getMessage(),
 *             willRetry ? "reconnecting" : "giving up");
 *       }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Methods are called on the stream's own thread and must return quickly; what they throw is
 * ignored.
 */
public interface StreamListener {

  /** A listener that does nothing. */
  StreamListener NONE = new StreamListener() {};

  /**
   * A connection of the stream is open: the first one, and each one after a reconnect.
   *
   * @param stream the URI the stream is connected to
   */
  default void onOpen(URI stream) {}

  /**
   * A connection failed or dropped: the service could not be reached, refused the stream, closed
   * it, or sent nothing (not even a keep-alive) for 45 s.
   *
   * @param stream the URI the stream was connecting or connected to (null before the first try)
   * @param failure what went wrong
   * @param willRetry true when the stream will connect again; false when it gives up (the service
   *     refused it for good, such as 404 for a job this key may not see)
   */
  default void onFailure(URI stream, JobkitException failure, boolean willRetry) {}

  /**
   * A callback given to the stream (the text consumer of a log follow) threw. The stream goes on:
   * an exception of the caller's never ends it or shows up as a timeout.
   *
   * @param stream the URI the stream is connected to
   * @param failure what the callback threw
   */
  default void onCallbackFailure(URI stream, RuntimeException failure) {}

  /**
   * The stream is over: it reached its end (a log follow's end event), gave up, or was closed by
   * its owner or with the client.
   *
   * @param stream the URI the stream was last connected to (null if it never tried)
   */
  default void onClosed(URI stream) {}
}
