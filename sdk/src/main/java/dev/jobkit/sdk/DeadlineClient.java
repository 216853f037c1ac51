package dev.jobkit.sdk;

import feign.Client;
import feign.Request;
import feign.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Feign's HTTP client, with each attempt's timeouts shortened to the time left before its call's
 * deadline ({@link Calls#timeLeft()}), so that no attempt outlives the call it belongs to, and each
 * attempt told to the caller's {@link CallListener}.
 */
final class DeadlineClient implements Client {

  private static final System.Logger LOG = System.getLogger(DeadlineClient.class.getName());

  private final Client delegate;
  private final CallListener listener;

  DeadlineClient(Client delegate, CallListener listener) {
    this.delegate = delegate;
    this.listener = listener;
  }

  @Override
  public Response execute(Request request, Request.Options options) throws IOException {
    String method = request.httpMethod().name();
    URI url = URI.create(request.url());
    tell(() -> listener.onRequest(method, url));
    long start = System.nanoTime();
    try {
      Response response = send(request, options);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      tell(() -> listener.onResponse(method, url, response.status(), took));
      return response;
    } catch (IOException e) {
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      tell(() -> listener.onFailure(method, url, e, took));
      throw e;
    }
  }

  private static void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException ignored) {
      LOG.log(System.Logger.Level.DEBUG, "a CallListener threw", ignored);
    }
  }

  private Response send(Request request, Request.Options options) throws IOException {
    Duration left = Calls.timeLeft();
    if (left == null) {
      return delegate.execute(request, options);
    }
    long leftMillis = left.toMillis();
    if (leftMillis < 1) {
      throw new HttpTimeoutException("the call's time ran out");
    }
    Request.Options shortened =
        new Request.Options(
            Math.min(options.connectTimeoutMillis(), leftMillis),
            TimeUnit.MILLISECONDS,
            Math.min(options.readTimeoutMillis(), leftMillis),
            TimeUnit.MILLISECONDS,
            options.isFollowRedirects());
    return delegate.execute(request, shortened);
  }
}
