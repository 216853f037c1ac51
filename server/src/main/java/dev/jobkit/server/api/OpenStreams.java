package dev.jobkit.server.api;

import dev.jobkit.server.ApiException;
import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.auth.ShareTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The open Server-Sent Events streams (log and event streams alike): opens them as {@link
 * SseChannel}s within each user's limit ({@code jobkit.api.max-streams-per-user}), sends their
 * keep-alives, and drops a reader that takes nothing for {@code jobkit.api.stream-write-timeout}.
 * One timer thread does both; no thread here ever waits on a client.
 */
@Component
class OpenStreams {

  private static final Logger log = LoggerFactory.getLogger(OpenStreams.class);

  private final JobkitProperties.Api settings;
  private final JsonMapper json;
  private final Map<String, Integer> perUser = new ConcurrentHashMap<>();
  private final Set<SseChannel> channels = ConcurrentHashMap.newKeySet();
  private final ShareTokens shareTokens;

  /**
   * The streams share tokens opened, by share id: they end when the share is revoked or expires.
   */
  private final Map<SseChannel, String> shareStreams = new ConcurrentHashMap<>();

  private final Counter dropped;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jobkit-stream-timer"));

  OpenStreams(
      JobkitProperties properties,
      JsonMapper json,
      MeterRegistry registry,
      ShareTokens shareTokens) {
    this.settings = properties.api();
    this.json = json;
    this.shareTokens = shareTokens;
    if (settings.maxStreamsPerUser() < 1) {
      throw new IllegalArgumentException("jobkit.api.max-streams-per-user must be at least 1");
    }
    if (settings.streamBuffer().toBytes() < 4096) {
      throw new IllegalArgumentException("jobkit.api.stream-buffer must be at least 4KB");
    }
    long keepAlive = Math.max(1, settings.streamKeepAlive().toMillis());
    timer.scheduleWithFixedDelay(this::keepAlive, keepAlive, keepAlive, TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(
        this::endExpiredShares, keepAlive, keepAlive, TimeUnit.MILLISECONDS);
    long check = Math.max(100, Math.min(1000, settings.streamWriteTimeout().toMillis() / 4));
    timer.scheduleWithFixedDelay(this::dropStalled, check, check, TimeUnit.MILLISECONDS);
    Gauge.builder("jobkit.streams.open", channels, Set::size)
        .description("Log and event streams open")
        .register(registry);
    Gauge.builder("jobkit.streams.stalled", this, OpenStreams::stalled)
        .description(
            "Streams whose reader has taken nothing for a second or more while bytes waited")
        .register(registry);
    dropped =
        Counter.builder("jobkit.streams.dropped")
            .description("Streams whose reader did not keep up and was dropped")
            .register(registry);
  }

  private int stalled() {
    long now = System.nanoTime();
    long second = TimeUnit.SECONDS.toNanos(1);
    int count = 0;
    for (SseChannel channel : channels) {
      if (channel.isOpen() && channel.stalledNanos(now) >= second) {
        count++;
      }
    }
    return count;
  }

  /** How many bytes may wait for one reader. */
  long buffer() {
    return settings.streamBuffer().toBytes();
  }

  /**
   * Answers the request with an event stream of the caller's, or 429 if the caller has as many open
   * as allowed. {@code lastId} is what a client resumes from before any event is written.
   */
  SseChannel open(
      Caller caller, HttpServletRequest request, HttpServletResponse response, String lastId) {
    String user = caller.name();
    reserve(user);
    try {
      response.setStatus(HttpServletResponse.SC_OK);
      response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
      // Proxies such as nginx otherwise hold a stream's events back to fill their buffer.
      response.setHeader("X-Accel-Buffering", "no");
      AsyncContext async = request.startAsync(request, response);
      SseChannel channel = new SseChannel(async, buffer(), lastId);
      channels.add(channel);
      if (caller.isShare()) {
        shareStreams.put(channel, caller.share().shareId());
      }
      channel.onClosed(
          () -> {
            shareStreams.remove(channel);
            if (channels.remove(channel)) {
              release(user);
            }
          });
      return channel;
    } catch (IOException e) {
      release(user);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      release(user);
      throw e;
    }
  }

  /** Drops a reader that did not keep up, with the reason in its last event. */
  void drop(SseChannel channel, String reason) {
    if (channel.isOpen()) {
      dropped.increment();
      log.info("dropped a stream's reader: {}", reason);
      channel.drop(reason, json);
    }
  }

  /** The sentence of a reader dropped for letting more than the buffer wait. */
  String overflowReason() {
    long bytes = settings.streamBuffer().toBytes();
    String size =
        bytes % (1024 * 1024) == 0
            ? bytes / (1024 * 1024) + " MB"
            : bytes % 1024 == 0 ? bytes / 1024 + " KB" : bytes + " bytes";
    return "the client did not keep up: more than "
        + size
        + " waited for it (jobkit.api.stream-buffer)";
  }

  private void reserve(String user) {
    int max = settings.maxStreamsPerUser();
    perUser.compute(
        user,
        (name, open) -> {
          int count = open == null ? 0 : open;
          if (count >= max) {
            throw ApiException.rateLimited(
                user
                    + " has "
                    + count
                    + " log and event streams open, the most jobkit.api.max-streams-per-user ("
                    + max
                    + ") allows; close one, or wait for one to end, and try again",
                settings.streamKeepAlive());
          }
          return count + 1;
        });
  }

  private void release(String user) {
    perUser.computeIfPresent(user, (name, open) -> open <= 1 ? null : open - 1);
  }

  private void keepAlive() {
    for (SseChannel channel : channels) {
      // A full queue is left alone: its reader is either catching up or about to be dropped.
      if (channel.queuedBytes() == 0) {
        channel.comment("keepalive");
      }
    }
  }

  private void dropStalled() {
    long now = System.nanoTime();
    long timeout = settings.streamWriteTimeout().toNanos();
    for (SseChannel channel : channels) {
      long stalled = channel.stalledNanos(now);
      if (stalled <= timeout) {
        continue;
      }
      if (channel.isOpen()) {
        drop(
            channel,
            "the client read nothing for "
                + format(settings.streamWriteTimeout())
                + " (jobkit.api.stream-write-timeout)");
      } else if (stalled > 2 * timeout) {
        // Its last event (dropped or end) has not gone out in another timeout: give up on it.
        channel.close();
      }
    }
  }

  private static String format(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }

  /** Ends the streams of a revoked share at once: its token was refused from then on. */
  @EventListener
  void shareRevoked(ShareTokens.Revoked revoked) {
    shareStreams.forEach(
        (channel, shareId) -> {
          if (shareId.equals(revoked.shareId())) {
            channel.drop("the share token was revoked", false, json);
          }
        });
  }

  /**
   * Ends, at each keep-alive, the streams of shares that expired (or whose job was deleted) since
   * they were opened: one query for all of them, and none when no share token has a stream open.
   */
  private void endExpiredShares() {
    if (shareStreams.isEmpty()) {
      return;
    }
    try {
      Set<String> live = shareTokens.live(Set.copyOf(shareStreams.values()));
      shareStreams.forEach(
          (channel, shareId) -> {
            if (!live.contains(shareId)) {
              channel.drop("the share token expired or was revoked", false, json);
            }
          });
    } catch (RuntimeException e) {
      // The next keep-alive tries again; the timer must not die with one failed query.
      log.warn("could not check the shares of open streams", e);
    }
  }

  /**
   * Ends every stream as soon as the service begins to stop: the web server's graceful shutdown
   * waits for open requests, and a stream may never end on its own.
   */
  @EventListener(ContextClosedEvent.class)
  void endStreams() {
    for (SseChannel channel : channels) {
      channel.close();
    }
  }

  @PreDestroy
  void close() {
    timer.shutdownNow();
  }
}
