package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.users.User;
import dev.jobkit.shell.local.Connection;
import dev.jobkit.shell.local.LocalService;
import dev.jobkit.shell.render.Style;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jline.terminal.Terminal;

/**
 * What every command of one shell run shares: where to connect (resolved lazily, or in the
 * background while the prompt is already shown), the output writers, colour, and how to ask the
 * person at the terminal.
 */
public final class Session implements AutoCloseable {

  /** Asks a question at the terminal; null when there is no terminal. */
  @FunctionalInterface
  public interface Asker {
    /** The answer line, or null at end of input. */
    String ask(String prompt);
  }

  private final String serverUrl;
  private final Path dataDir;
  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Style style;
  private final Asker asker;
  private final boolean terminalOutput;
  private Consumer<String> notices;
  private IntSupplier width = () -> 0;
  private IntSupplier height = () -> 0;
  private Supplier<Optional<Terminal>> terminal = Optional::empty;
  private CompletableFuture<Connected> connecting;
  private final java.util.concurrent.atomic.AtomicBoolean connectionShown =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * @param serverUrl {@code --server}, or null
   * @param dataDir the data dir of the local service
   * @param env the environment
   * @param out where command output goes
   * @param err where errors go
   * @param style colour
   * @param asker the terminal to ask, or null when there is none
   * @param terminalOutput whether output goes to a terminal (spinners, live tables)
   */
  public Session(
      String serverUrl,
      Path dataDir,
      Map<String, String> env,
      PrintWriter out,
      PrintWriter err,
      Style style,
      Asker asker,
      boolean terminalOutput) {
    this.serverUrl = serverUrl;
    this.dataDir = dataDir;
    this.env = env;
    this.out = out;
    this.err = err;
    this.style = style;
    this.asker = asker;
    this.terminalOutput = terminalOutput;
    this.notices =
        message -> {
          err.println(style.dim(message));
          err.flush();
        };
  }

  /** The client and who it is, once connected. */
  /**
   * A resolved connection and its client.
   *
   * @param connection where and with which key
   * @param client the SDK client
   */
  public record Connected(Connection connection, JobkitClient client) {}

  /**
   * Records that the person has been shown where the shell is connected; true if this is the first
   * time. The notice of a background connection is shown only then, so that a {@code status} typed
   * before the connection was made does not see it twice.
   */
  public boolean showConnectionOnce() {
    return connectionShown.compareAndSet(false, true);
  }

  /** Where progress notices (such as "starting the local service") go. */
  public void onNotice(Consumer<String> notices) {
    this.notices = notices;
  }

  /**
   * Where the terminal's size comes from ({@code terminal::getWidth}, {@code terminal::getHeight});
   * asked at each table, so a resized window counts from the next one. Without them both are 0: no
   * terminal.
   */
  public void terminalFrom(IntSupplier width, IntSupplier height) {
    this.width = width;
    this.height = height;
  }

  /**
   * Where the terminal that a command may take over comes from ({@code job terminal} attaches it to
   * a pod): opened when first asked for, empty without one.
   */
  public void terminalFrom(Supplier<Optional<Terminal>> terminal) {
    this.terminal = terminal;
  }

  /** The terminal the shell runs in, for a command that takes it over; empty without one. */
  public Optional<Terminal> terminal() {
    return terminal.get();
  }

  /** The terminal's width in columns now; 0 when there is no terminal or it is not known. */
  public int width() {
    return Math.max(0, width.getAsInt());
  }

  /** The terminal's height in lines now; 0 when there is no terminal or it is not known. */
  public int height() {
    return Math.max(0, height.getAsInt());
  }

  /** Starts connecting in the background, if not already; returns at once. */
  public synchronized CompletableFuture<Connected> connectInBackground() {
    if (connecting == null) {
      CompletableFuture<Connected> future = new CompletableFuture<>();
      connecting = future;
      Thread t =
          new Thread(
              () -> {
                try {
                  Connection c = Connection.resolve(serverUrl, dataDir, env, notices);
                  JobkitClient client =
                      JobkitClient.builder().baseUrl(c.baseUrl()).apiKey(c.apiKey()).build();
                  future.complete(new Connected(c, client));
                } catch (RuntimeException | Error e) {
                  future.completeExceptionally(e);
                }
              },
              "jobkit-connect");
      t.setDaemon(true);
      t.start();
    }
    return connecting;
  }

  /** The connection, waiting for it (and starting the local service) if needed. */
  public Connected connected() {
    CompletableFuture<Connected> future = connectInBackground();
    if (!future.isDone()) {
      Prefetch.once(); // meanwhile
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting", e);
    } catch (ExecutionException e) {
      synchronized (this) {
        connecting = null; // the next command tries again
      }
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * How long Tab waits for the service: {@code JOBKIT_COMPLETION_WAIT} (a duration such as {@code
   * 5s}), else two seconds; a value that is no duration counts as unset.
   */
  public Duration completionWait() {
    String given = env.get("JOBKIT_COMPLETION_WAIT");
    if (given != null && !given.isBlank()) {
      try {
        return dev.jobkit.shell.render.Times.parseDuration(given, "JOBKIT_COMPLETION_WAIT");
      } catch (IllegalArgumentException notADuration) {
        // completion never prints an error into the line being typed
      }
    }
    return Duration.ofSeconds(2);
  }

  /** The connection if it is ready within {@code wait}; never starts one (for completion). */
  public Optional<JobkitClient> clientIfReady(Duration wait) {
    CompletableFuture<Connected> future;
    synchronized (this) {
      future = connecting;
    }
    if (future == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(future.get(wait.toMillis(), TimeUnit.MILLISECONDS).client());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      return Optional.empty();
    }
  }

  /** The SDK client, connecting first if needed. */
  public JobkitClient client() {
    return connected().client();
  }

  /** Forgets the connection (after the local service was stopped or restarted). */
  public synchronized void disconnect() {
    if (connecting != null && connecting.isDone() && !connecting.isCompletedExceptionally()) {
      connecting.join().client().close();
    }
    connecting = null;
  }

  /** Who the key belongs to. */
  public User me() {
    return client().users().me();
  }

  /** The data dir: the local service's, the config file's and the history's. */
  public Path dataDir() {
    return dataDir;
  }

  /** The local service of the data dir (whether or not the shell uses it). */
  public LocalService localService() {
    return LocalService.of(dataDir);
  }

  /** Whether an explicit URL (flag, environment or config file) overrides the local service. */
  public boolean remote() {
    return Connection.given(serverUrl, dataDir, env);
  }

  /** Command output. */
  public PrintWriter out() {
    return out;
  }

  /** Error output. */
  public PrintWriter err() {
    return err;
  }

  /** Colour. */
  public Style style() {
    return style;
  }

  /** The terminal to ask, if there is one. */
  public Optional<Asker> asker() {
    return Optional.ofNullable(asker);
  }

  /** Whether output goes to a terminal. */
  public boolean terminalOutput() {
    return terminalOutput;
  }

  @Override
  public synchronized void close() {
    disconnect();
  }
}
