package dev.jobkit.server.exec;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The service's own base URL as its pods reach it, their {@code JOBKIT_URL}: the loopback address
 * (or the one address the service is bound to) and the port it listens on, known once the web
 * server has started. Jobs that are launched before that (the engine starts first) wait for it.
 */
@Component
class ServiceUrl implements ApplicationListener<WebServerInitializedEvent> {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final Environment environment;
  private final CompletableFuture<String> url = new CompletableFuture<>();

  ServiceUrl(Environment environment) {
    this.environment = environment;
  }

  /**
   * A URL known from the start: an external worker's pods reach the service it works for. A
   * factory, not a second constructor, which would leave Spring without the one to call.
   */
  static ServiceUrl fixed(String url) {
    ServiceUrl fixed = new ServiceUrl(null);
    fixed.url.complete(url);
    return fixed;
  }

  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    if (event.getApplicationContext().getServerNamespace() != null) {
      return; // a management server of its own, not the API
    }
    String scheme =
        environment.getProperty("server.ssl.enabled", Boolean.class, false) ? "https" : "http";
    url.complete(scheme + "://" + host() + ":" + event.getWebServer().getPort());
  }

  private String host() {
    String configured = environment.getProperty("server.address");
    if (configured == null || configured.isBlank()) {
      return "127.0.0.1";
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(configured.strip());
    } catch (UnknownHostException e) {
      return "127.0.0.1"; // the web server could not have bound to it either
    }
    if (address.isAnyLocalAddress()) {
      return address instanceof Inet6Address ? "[::1]" : "127.0.0.1";
    }
    String text = address.getHostAddress();
    return address instanceof Inet6Address ? "[" + text + "]" : text;
  }

  /** The URL; waits for the web server if it has not started yet. */
  String get() {
    try {
      return url.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobExecutor.LaunchFailedException("interrupted while waiting for the web server");
    } catch (ExecutionException | TimeoutException e) {
      throw new JobExecutor.LaunchFailedException(
          "the service's web server has not started, so the job would have no JOBKIT_URL");
    }
  }
}
