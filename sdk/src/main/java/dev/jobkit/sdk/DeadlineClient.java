package dev.jobkit.sdk;

import feign.Client;
import feign.Request;
import feign.Response;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Feign's HTTP client, with each request's timeouts shortened to the time left before its call's
 * deadline ({@link Calls#timeLeft()}), so that no attempt outlives the call it belongs to.
 */
final class DeadlineClient implements Client {

  private final Client delegate;

  DeadlineClient(Client delegate) {
    this.delegate = delegate;
  }

  @Override
  public Response execute(Request request, Request.Options options) throws IOException {
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
