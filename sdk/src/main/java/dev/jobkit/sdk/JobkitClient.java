package dev.jobkit.sdk;

import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.internal.BodyEncoder;
import dev.jobkit.sdk.internal.DataApi;
import dev.jobkit.sdk.internal.JobApi;
import dev.jobkit.sdk.internal.Json;
import dev.jobkit.sdk.internal.ShareApi;
import dev.jobkit.sdk.internal.WebhookApi;
import dev.jobkit.sdk.internal.WorkerApi;
import feign.Feign;
import feign.Request;
import feign.Retryer;
import feign.http2client.Http2Client;
import feign.jackson3.Jackson3Decoder;
import feign.jackson3.Jackson3Encoder;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

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
  private final Apps apps;
  // Built on first use: each is a Feign contract to parse, which a one-shot command of the shell
  // that needs only the jobs should not pay for at its start.
  private final Lazy<DataApi> data;
  private final Lazy<Datasets> datasets;
  private final Lazy<Shares> shares;
  private final Lazy<Webhooks> webhooks;
  private final Lazy<Models> models;
  private final Lazy<Results> results;
  private final Lazy<WorkerProtocol> internal;
  private final RetryPolicy retryPolicy;
  private final Sleeper sleeper;
  private final StreamListener streamListener;
  private final Duration streamIdleLimit;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<EventSource> streams = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService watchdog;
  private final String userAgent;
  private final Executor async;
  private final ExecutorService ownAsync;

  private JobkitClient(Builder b) {
    this.baseUrl =
        URI.create(
            b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1) : b.baseUrl);
    this.apiKey = b.apiKey;
    if (b.httpClient != null) {
      this.httpThreads = null; // the caller's client, with its own threads
      this.http = b.httpClient;
    } else {
      this.httpThreads =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "jobkit-http");
                t.setDaemon(true);
                return t;
              });
      HttpClient.Builder httpBuilder =
          HttpClient.newBuilder()
              .connectTimeout(b.connectTimeout)
              .version(HttpClient.Version.HTTP_1_1)
              .executor(httpThreads);
      if (b.proxy != null) {
        httpBuilder.proxy(b.proxy);
      }
      if ("http".equalsIgnoreCase(this.baseUrl.getScheme())) {
        // Plain HTTP never uses TLS, but the JDK's client wants an SSL context: the default one
        // reads its trust store and every SSL context works out its cipher suites (together about
        // 60 ms of a one-shot command). This one does neither and refuses any TLS.
        httpBuilder.sslContext(NoTls.CONTEXT).sslParameters(new javax.net.ssl.SSLParameters());
      }
      this.http = httpBuilder.build();
    }
    this.userAgent = userAgent(b.userAgentSuffix);
    this.async = b.executor;
    this.ownAsync =
        b.executor == null
            ? Executors.newCachedThreadPool(
                r -> {
                  Thread t = new Thread(r, "jobkit-async");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    Feign.Builder feign =
        Feign.builder()
            .client(new DeadlineClient(new Http2Client(http), b.callListener))
            .encoder(new BodyEncoder(new Jackson3Encoder(Json.MAPPER)))
            .decoder(new Jackson3Decoder(Json.MAPPER))
            .errorDecoder(new ProblemDecoder(Json.MAPPER))
            .retryer(Retryer.NEVER_RETRY)
            .options(new Request.Options(b.connectTimeout, b.readTimeout, false));
    feign.requestInterceptor(t -> t.header("User-Agent", userAgent));
    if (apiKey != null) {
      feign.requestInterceptor(t -> t.header("Authorization", "Bearer " + apiKey));
    }
    if (b.actorKind != null) {
      feign.requestInterceptor(t -> t.header("X-Jobkit-Actor-Kind", b.actorKind));
    }
    String target = this.baseUrl.toString();
    this.api = feign.target(JobApi.class, target);
    this.retryPolicy = b.retry;
    this.sleeper = b.sleeper;
    this.streamListener = b.streamListener;
    this.streamIdleLimit = b.streamIdleLimit;
    this.calls = new Calls(b.retry, b.sleeper, b.callTimeout, closed::get);
    this.jobs = new Jobs(this);
    this.users = new Users(api, calls);
    this.apps = new Apps(api, calls);
    this.data = new Lazy<>(() -> feign.target(DataApi.class, target));
    this.datasets =
        new Lazy<>(() -> new Datasets(data.get(), calls, new ProblemDecoder(Json.MAPPER)));
    this.models = new Lazy<>(() -> new Models(data.get(), calls));
    this.results = new Lazy<>(() -> new Results(data.get(), calls));
    this.shares = new Lazy<>(() -> new Shares(feign.target(ShareApi.class, target), calls));
    this.webhooks = new Lazy<>(() -> new Webhooks(feign.target(WebhookApi.class, target), calls));
    this.internal =
        new Lazy<>(() -> new WorkerProtocol(this, feign.target(WorkerApi.class, target), calls));
  }

  /**
   * The SSL context of a client for a plain-HTTP service: it holds no keys, trusts nothing and
   * makes no TLS connection; a request to an {@code https} URL through that client fails.
   */
  private static final class NoTls extends javax.net.ssl.SSLContextSpi {

    static final javax.net.ssl.SSLContext CONTEXT =
        new javax.net.ssl.SSLContext(new NoTls(), null, "none") {};

    private static UnsupportedOperationException refused() {
      return new UnsupportedOperationException(
          "this client was built for a plain-HTTP service: it makes no TLS connection");
    }

    @Override
    protected void engineInit(
        javax.net.ssl.KeyManager[] km,
        javax.net.ssl.TrustManager[] tm,
        java.security.SecureRandom random) {}

    @Override
    protected javax.net.ssl.SSLSocketFactory engineGetSocketFactory() {
      throw refused();
    }

    @Override
    protected javax.net.ssl.SSLServerSocketFactory engineGetServerSocketFactory() {
      throw refused();
    }

    @Override
    protected javax.net.ssl.SSLEngine engineCreateSSLEngine() {
      throw refused();
    }

    @Override
    protected javax.net.ssl.SSLEngine engineCreateSSLEngine(String host, int port) {
      throw refused();
    }

    @Override
    protected javax.net.ssl.SSLSessionContext engineGetServerSessionContext() {
      throw refused();
    }

    @Override
    protected javax.net.ssl.SSLSessionContext engineGetClientSessionContext() {
      throw refused();
    }
  }

  /** A value made once, on first use, by whichever thread asks first. */
  private static final class Lazy<T> implements java.util.function.Supplier<T> {
    private final java.util.function.Supplier<T> make;
    private volatile T value;

    Lazy(java.util.function.Supplier<T> make) {
      this.make = make;
    }

    @Override
    public T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = make.get();
            value = v;
          }
        }
      }
      return v;
    }
  }

  /**
   * Starts a client; {@link Builder#baseUrl} is required.
   *
   * @return a builder with the defaults: no key, 5 s to connect, 60 s to read, the default retries
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that takes the service from {@code JOBKIT_URL} and the key from {@code
   * JOBKIT_API_KEY}, else from {@code JOBKIT_TOKEN}: the job token the service gives every job, so
   * that code running inside a job acts as the job's owner with no setting at all.
   *
   * @return a builder with the service and the key set; anything else may still be set on it
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

  /**
   * Jobs: submit, read, list, watch, logs, update.
   *
   * @return the jobs of the service, through this client
   */
  public Jobs jobs() {
    return jobs;
  }

  /**
   * Apps: the service's named, versioned job templates; run one with {@code jobs().submit(AppRun)}.
   *
   * @return the apps of the service, through this client
   */
  public Apps apps() {
    return apps;
  }

  /**
   * Datasets: upload or register files, list them, download them checked against their SHA-256,
   * delete them.
   *
   * @return the datasets of the service, through this client
   */
  public Datasets datasets() {
    return datasets.get();
  }

  /**
   * Webhooks: URLs told of jobs' transitions, signed; their deliveries and how they went.
   *
   * @return the webhooks of the service, through this client
   */
  public Webhooks webhooks() {
    return webhooks.get();
  }

  /**
   * Models: the records the {@code train} app's jobs made. Read-only.
   *
   * @return the models of the service, through this client
   */
  public Models models() {
    return models.get();
  }

  /**
   * Results: the records the {@code predict} app's jobs made. Read-only.
   *
   * @return the results of the service, through this client
   */
  public Results results() {
    return results.get();
  }

  /**
   * Share tokens: read-only tokens of one job, made, listed and revoked by its owner or an admin. A
   * client built with a share token as its {@link Builder#apiKey key} reads that job (its log,
   * events and results) and is refused everything else.
   *
   * @return the share tokens of the service's jobs, through this client
   */
  public Shares shares() {
    return shares.get();
  }

  /**
   * The worker protocol ({@code /api/v1/internal/…}), for workers written in Java: register, claim
   * jobs, report their transitions, logs, results and ends. Needs a key of role {@code worker} (or
   * an admin's).
   *
   * @return the worker protocol of the service, through this client
   */
  public WorkerProtocol internal() {
    return internal.get();
  }

  /**
   * Identity, users, keys and scheduling modes.
   *
   * @return the users of the service, through this client
   */
  public Users users() {
    return users;
  }

  /**
   * Statistics of the jobs created in a time range: totals, counts by state, success rate, mean and
   * p95 run time and resource-seconds, in total and per user, app or state. A user's are of their
   * own jobs only; an admin's of everyone's, or of one {@code owner}'s.
   *
   * @param query the range, the groups, and an owner or app to narrow to
   * @return the figures
   * @throws ValidationException naming {@code from}, {@code to} or {@code group_by} when one is not
   *     valid
   * @throws ForbiddenException if a user who is not an admin names another owner
   */
  public dev.jobkit.sdk.jobs.JobStats stats(StatsQuery query) {
    return calls.run(() -> api.stats(query.toParameters()));
  }

  /**
   * Stop, delete and flush, each through pre-check, confirmation by {@code confirmer}, execution
   * and verification.
   *
   * @param confirmer asked before every action the lifecycle allows; only its yes lets one run
   * @return the guarded actions, verifying for up to 60 s
   */
  public GuardedActions guarded(Confirmer confirmer) {
    return new GuardedActions(this, confirmer);
  }

  /**
   * The service's address.
   *
   * @return the base URL the client was built with, blanks stripped
   */
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

  /** {@code jobkit-java-sdk/0.1.0 Java/17.0.15}, then the builder's suffix if any. */
  private static String userAgent(String suffix) {
    String version = JobkitClient.class.getPackage().getImplementationVersion();
    return "jobkit-java-sdk/"
        + (version == null ? "dev" : version)
        + " Java/"
        + Runtime.version()
        + (suffix == null ? "" : " " + suffix);
  }

  /** The {@code User-Agent} every request of this client sends. */
  String userAgent() {
    return userAgent;
  }

  /**
   * Runs {@code call} on the builder's executor, or the client's own threads: the {@code …Async}
   * calls. A closed client's future fails at once, saying so.
   */
  <T> CompletableFuture<T> async(Supplier<T> call) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedFailure());
    }
    try {
      return CompletableFuture.supplyAsync(call, async != null ? async : ownAsync);
    } catch (RejectedExecutionException closing) {
      return CompletableFuture.failedFuture(closedFailure());
    }
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
    if (ownAsync != null) {
      ownAsync.shutdownNow();
    }
    if (httpThreads != null) {
      httpThreads.shutdownNow();
    }
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
    private ProxySelector proxy;
    private CallListener callListener = new CallListener() {};
    private String userAgentSuffix;
    private Executor executor;
    private HttpClient httpClient;

    private Builder() {}

    /** How long a stream may stay silent before it reconnects: 45 s unless a test says less. */
    Builder streamIdleLimit(Duration limit) {
      this.streamIdleLimit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Told when a live stream (an event watch, a log follow) opens, fails, reconnects or closes,
     * and when a callback given to it throws (default: nobody).
     *
     * @param listener the listener, to log or count what the streams go through
     * @return this builder
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

    /**
     * The service's address; required.
     *
     * @param baseUrl such as {@code http://localhost:8080}; checked by {@link #build()}
     * @return this builder
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      return this;
    }

    /**
     * The API key, sent as {@code Authorization: Bearer}.
     *
     * @param apiKey the key, or null or blank to send none; blanks around it are stripped
     * @return this builder
     */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
      return this;
    }

    /**
     * How long to wait for a connection (default 5 s).
     *
     * @param timeout the longest wait for the service to accept a connection
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * How long to wait for an answer (default 60 s).
     *
     * @param timeout the longest wait for one attempt's answer
     * @return this builder
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The longest a call may take in all, its retries and their waits included (default: no limit
     * beyond the retry policy's). No attempt waits for an answer past it and no retry starts that
     * could not end before it; the call then fails with its last failure. Waiters ({@link
     * Jobs#await}) keep their own deadline the same way.
     *
     * @param timeout the longest a call may take; {@link Duration#ZERO} for no limit
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Builder callTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("callTimeout must not be negative, not " + timeout);
      }
      this.callTimeout = timeout;
      return this;
    }

    /**
     * Told about every HTTP attempt (method, URL, status, time taken), for logging and metrics
     * (default: nobody).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder callListener(CallListener listener) {
      this.callListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The proxy to reach the service through (default: none, a direct connection).
     *
     * @param proxy such as {@code ProxySelector.of(new InetSocketAddress("proxy", 3128))}, or
     *     {@code ProxySelector.getDefault()} for the JVM's ({@code https.proxyHost}, …)
     * @return this builder
     */
    public Builder proxy(ProxySelector proxy) {
      this.proxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /**
     * Words added to the {@code User-Agent} every request sends ({@code jobkit-java-sdk/0.1.0
     * Java/17.0.15 my-app/2.3}), so that the service's logs tell your application's requests apart.
     *
     * @param suffix such as {@code my-app/2.3}: printable ASCII, no line breaks
     * @return this builder
     * @throws IllegalArgumentException if {@code suffix} holds anything but printable ASCII
     */
    public Builder userAgentSuffix(String suffix) {
      Objects.requireNonNull(suffix, "suffix");
      if (!suffix.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "the User-Agent suffix must be printable ASCII, not '" + suffix + "'");
      }
      this.userAgentSuffix = suffix.isBlank() ? null : suffix.strip();
      return this;
    }

    /**
     * The JDK {@link HttpClient} to send every request with, instead of one of the client's own:
     * for your {@code SSLContext} (a private CA, client certificates), an {@code Authenticator}, a
     * cookie handler or threads of your choosing. Its connect timeout, proxy and threads are then
     * the ones it was built with, so {@link #proxy} beside it is refused; {@link #readTimeout},
     * {@link #callTimeout}, retries and the headers still apply. {@link JobkitClient#close()} ends
     * the client's streams and refuses its later calls but leaves the given client to you.
     *
     * @param client such as {@code HttpClient.newBuilder().sslContext(ctx).build()}
     * @return this builder
     */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Where the {@code …Async} calls ({@link Jobs#submitAsync}, {@link Jobs#getAsync}, {@link
     * Jobs#awaitAsync}) run (default: daemon threads of the client's own, ended by {@link
     * JobkitClient#close()}; an executor given here is the caller's to shut down).
     *
     * @param executor such as a virtual-thread executor on Java 21+
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * When to retry (default {@link RetryPolicy#defaults()}).
     *
     * @param policy the retry policy; {@link RetryPolicy#none()} for none
     * @return this builder
     */
    public Builder retry(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Marks this client's changes as made by an agent in the jobs' event logs (the tool executor
     * uses it).
     *
     * @return this builder
     */
    public Builder actingAsAgent() {
      this.actorKind = "agent";
      return this;
    }

    /**
     * The client; fails at once if the base URL is missing or not http(s).
     *
     * @return a new client, to close when done
     * @throws IllegalStateException if the base URL is missing or not an http(s) URL
     */
    public JobkitClient build() {
      if (baseUrl == null || baseUrl.isBlank()) {
        throw new IllegalStateException("baseUrl is required, such as http://localhost:8080");
      }
      URI uri = URI.create(baseUrl.strip());
      if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
        throw new IllegalStateException("baseUrl must be an http(s) URL, not '" + baseUrl + "'");
      }
      if (httpClient != null && proxy != null) {
        throw new IllegalStateException(
            "give the proxy to the HttpClient you pass (HttpClient.Builder.proxy), not beside it");
      }
      return new JobkitClient(this);
    }
  }
}
