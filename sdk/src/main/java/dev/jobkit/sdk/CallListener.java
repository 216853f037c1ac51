package dev.jobkit.sdk;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Told about every HTTP attempt the client makes (each retry is an attempt of its own): for logging
 * and metrics. With Micrometer, for example:
 *
 * <pre>{@code
 * JobkitClient.builder()
 *     .baseUrl(url)
 *     .callListener(new CallListener() {
 *       public void onResponse(String method, URI url, int status, Duration took) {
 *         Timer.builder("jobkit.client.requests")
 *             .tag("method", method).tag("status", Integer.toString(status))
 *             .register(registry).record(took);
 *       }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>It is never given a request's headers or body (the API key stays out of logs). Methods are
 * called on the calling thread and must return quickly; what they throw is ignored. Live streams
 * have their own {@link StreamListener}.
 */
public interface CallListener {

  /**
   * An attempt is about to be sent.
   *
   * @param method the HTTP method
   * @param url the request's URL
   */
  default void onRequest(String method, URI url) {}

  /**
   * An attempt got an answer, whatever its status.
   *
   * @param method the HTTP method
   * @param url the request's URL
   * @param status the answer's HTTP status
   * @param took from sending the request to the answer's headers
   */
  default void onResponse(String method, URI url, int status, Duration took) {}

  /**
   * An attempt got no answer: no connection, a reset, a timeout.
   *
   * @param method the HTTP method
   * @param url the request's URL
   * @param failure what the JDK's HTTP client reported
   * @param took from sending the request to the failure
   */
  default void onFailure(String method, URI url, IOException failure, Duration took) {}
}
