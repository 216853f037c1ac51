package dev.jobkit.sdk;

import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.internal.JobApi;
import dev.jobkit.sdk.internal.Json;
import feign.Feign;
import feign.Request;
import feign.Retryer;
import feign.http2client.Http2Client;
import feign.jackson3.Jackson3Decoder;
import feign.jackson3.Jackson3Encoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The entry point of the SDK: a client of one Jobkit service. Thread-safe; share one per service
 * and close it when done.
 *
 * <pre>{@code
 * try (JobkitClient client = JobkitClient.builder()
 *     .baseUrl("http://localhost:8080")
 *     .apiKey(System.getenv("JOBKIT_API_KEY"))
 *     .build()) {
 *   Job job = client.jobs().submit(JobSpec.builder().command("python", "train.py").build());
 *   client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofMinutes(5));
 * }
 * }</pre>
 *
 * <p>Reads go through {@link #jobs()} and {@link #users()}. The risky actions — stop, delete, flush
 * — are only reachable through {@link #guarded(Confirmer)}, which pre-checks, asks, executes and
 * verifies.
 */
public final class JobkitClient implements AutoCloseable {

  private final URI baseUrl;
  private final String apiKey;
  private final HttpClient http;
  private final ExecutorService httpThreads;
  private final JobApi api;
  private final Calls calls;
  private final Jobs jobs;
  private final Users users;
  private final RetryPolicy retryPolicy;
  private final Sleeper sleeper;
  private final StreamListener streamListener;
  private final Duration streamIdleLimit;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<EventSource> streams = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService watchdog;

  private JobkitClient(Builder b) {
    this.baseUrl =
        URI.create(
            b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1) : b.baseUrl);
    this.apiKey = b.apiKey;
    this.httpThreads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "jobkit-http");
              t.setDaemon(true);
              return t;
            });
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(b.connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .executor(httpThreads)
            .build();
    Feign.Builder feign =
        Feign.builder()
            .client(new DeadlineClient(new Http2Client(http)))
            .encoder(new Jackson3Encoder(Json.MAPPER))
            .decoder(new Jackson3Decoder(Json.MAPPER))
            .errorDecoder(new ProblemDecoder(Json.MAPPER))
            .retryer(Retryer.NEVER_RETRY)
            .options(new Request.Options(b.connectTimeout, b.readTimeout, false));
    if (apiKey != null) {
      feign.requestInterceptor(t -> t.header("Authorization", "Bearer " + apiKey));
    }
    if (b.actorKind != null) {
      feign.requestInterceptor(t -> t.header("X-Jobkit-Actor-Kind", b.actorKind));
    }
    this.api = feign.target(JobApi.class, this.baseUrl.toString());
    this.retryPolicy = b.retry;
    this.sleeper = b.sleeper;
    this.streamListener = b.streamListener;
    this.streamIdleLimit = b.streamIdleLimit;
    this.calls = new Calls(b.retry, b.sleeper, b.callTimeout, closed::get);
    this.jobs = new Jobs(this);
    this.users = new Users(api, calls);
  }

  /** Starts a client; {@link Builder#baseUrl} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that takes the service from {@code JOBKIT_URL} and the key from {@code
   * JOBKIT_API_KEY}, else from {@code JOBKIT_TOKEN}: the job token the service gives every job, so
   * that code running inside a job acts as the job's owner with no setting at all.
   *
   * @throws IllegalStateException when {@code JOBKIT_URL} is not set
   */
  public static Builder fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static Builder fromEnvironment(Map<String, String> env) {
    String url = env.get("JOBKIT_URL");
    if (url == null || url.isBlank()) {
      throw new IllegalStateException(
          "JOBKIT_URL is not set; set it to the service's address, such as http://localhost:8080");
    }
    String key = env.get("JOBKIT_API_KEY");
    if (key == null || key.isBlank()) {
      key = env.get("JOBKIT_TOKEN");
    }
    return builder().baseUrl(url.strip()).apiKey(key);
  }

  /** Jobs: submit, read, list, watch, logs, update. */
  public Jobs jobs() {
    return jobs;
  }

  /** Identity, users, keys and scheduling modes. */
  public Users users() {
    return users;
  }

  /**
   * Stop, delete and flush, each through pre-check, confirmation by {@code confirmer}, execution
   * and verification.
   */
  public GuardedActions guarded(Confirmer confirmer) {
    return new GuardedActions(this, confirmer);
  }

  /** The service's address. */
  public URI baseUrl() {
    return baseUrl;
  }

  JobApi api() {
    return api;
  }

  Calls calls() {
    return calls;
  }

  HttpClient http() {
    return http;
  }

  String apiKey() {
    return apiKey;
  }

  RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  Sleeper sleeper() {
    return sleeper;
  }

  StreamListener streamListener() {
    return streamListener;
  }

  /** What a call or a stream of a closed client fails with. */
  static JobkitException closedFailure() {
    return new JobkitException(
        "this JobkitClient is closed; build a new one to call the service", null);
  }

  /**
   * Registers a live stream, to be closed with the client and watched for silence; false if the
   * client is closed already.
   */
  boolean opened(EventSource stream) {
    synchronized (streams) {
      if (closed.get()) {
        return false;
      }
      streams.add(stream);
      if (watchdog == null) {
        watchdog =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "jobkit-sse-watchdog");
                  t.setDaemon(true);
                  return t;
                });
        // A connection that the network lost without a word (no FIN, no RST) sends nothing; the
        // service's keep-alives come every 15 s, so 45 s of silence means it is gone.
        long every = Math.max(10, Math.min(5000, streamIdleLimit.toMillis() / 3));
        watchdog.scheduleWithFixedDelay(
            () -> {
              long now = System.nanoTime();
              streams.forEach(s -> s.closeIfSilent(now, streamIdleLimit));
            },
            every,
            every,
            TimeUnit.MILLISECONDS);
      }
      return true;
    }
  }

  /** A live stream is over. */
  void closed(EventSource stream) {
    streams.remove(stream);
  }

  /**
   * Ends every live stream of this client (event watches, log follows: their waiters fail with
   * "closed") and its threads. Calls made afterwards fail at once with a {@link JobkitException}
   * that says the client is closed. Closing twice does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (streams) {
      for (EventSource stream : streams) {
        stream.closeWithClient();
      }
      streams.clear();
      if (watchdog != null) {
        watchdog.shutdownNow();
      }
    }
    httpThreads.shutdownNow();
  }

  /** Builds a {@link JobkitClient}. */
  public static final class Builder {
    private String baseUrl;
    private String apiKey;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(60);
    private Duration callTimeout = Duration.ZERO;
    private RetryPolicy retry = RetryPolicy.defaults();
    private String actorKind;
    private Sleeper sleeper = Sleeper.REAL;
    private StreamListener streamListener = StreamListener.NONE;
    private Duration streamIdleLimit = EventSource.IDLE_LIMIT;

    private Builder() {}

    /** How long a stream may stay silent before it reconnects: 45 s unless a test says less. */
    Builder streamIdleLimit(Duration limit) {
      this.streamIdleLimit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Told when a live stream (an event watch, a log follow) opens, fails, reconnects or closes,
     * and when a callback given to it throws (default: nobody).
     */
    public Builder streamListener(StreamListener listener) {
      this.streamListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** How the client waits between attempts: the real clock unless a test gives its own. */
    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** The service's address, such as {@code http://localhost:8080}. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      return this;
    }

    /** The API key, sent as {@code Authorization: Bearer}. */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
      return this;
    }

    /** How long to wait for a connection (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How long to wait for an answer (default 60 s). */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The longest a call may take in all, its retries and their waits included (default: no limit
     * beyond the retry policy's). No attempt waits for an answer past it and no retry starts that
     * could not end before it; the call then fails with its last failure. Waiters ({@link
     * Jobs#await}) keep their own deadline the same way.
     */
    public Builder callTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("callTimeout must not be negative, not " + timeout);
      }
      this.callTimeout = timeout;
      return this;
    }

    /** When to retry (default {@link RetryPolicy#defaults()}). */
    public Builder retry(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Marks this client's changes as made by an agent in the jobs' event logs (the tool executor
     * uses it).
     */
    public Builder actingAsAgent() {
      this.actorKind = "agent";
      return this;
    }

    /** The client; fails at once if the base URL is missing or not http(s). */
    public JobkitClient build() {
      if (baseUrl == null || baseUrl.isBlank()) {
        throw new IllegalStateException("baseUrl is required, such as http://localhost:8080");
      }
      URI uri = URI.create(baseUrl.strip());
      if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
        throw new IllegalStateException("baseUrl must be an http(s) URL, not '" + baseUrl + "'");
      }
      return new JobkitClient(this);
    }
  }
}
