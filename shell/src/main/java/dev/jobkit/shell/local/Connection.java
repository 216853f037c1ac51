package dev.jobkit.shell.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the shell (and the MCP server) talks to, and with which key. In order: an explicit URL
 * ({@code --server}), {@code JOBKIT_URL}, the config file ({@code <data-dir>/config.properties}
 * with {@code url=} and {@code api_key=}), else the local service of the data dir, started first if
 * it is not running. The key is {@code JOBKIT_API_KEY} (else {@code JOBKIT_TOKEN}) wherever it
 * connects; the local service's admin key only when neither is set.
 *
 * @param baseUrl the service's address
 * @param apiKey the key to send, or null
 * @param source where this came from, in words ("local service of /root/.jobkit, pid 123")
 * @param local the local service, when that is what this is; else null
 */
public record Connection(String baseUrl, String apiKey, String source, LocalService local) {

  /**
   * Resolves the connection; may start the local service (and wait for it).
   *
   * @param serverUrl an explicit URL ({@code --server}), or null
   * @param dataDir the data dir of the local service and the config file
   * @param env the environment ({@code System.getenv()})
   * @param progress told what is happening while the local service starts
   */
  public static Connection resolve(
      String serverUrl, Path dataDir, Map<String, String> env, Consumer<String> progress) {
    Optional<Connection> configured = configured(serverUrl, dataDir, env);
    if (configured.isPresent()) {
      return configured.get();
    }
    String key = key(env);
    LocalService local = LocalService.of(dataDir);
    LocalService.Running running = local.ensureRunning(progress);
    String where = "local service of " + local.dataDir() + ", pid " + running.pid();
    if (key != null) {
      // A key of one's own acts as its user here too, never silently as the admin.
      return new Connection(
          running.url(),
          key,
          where
              + ", key of "
              + (env.get("JOBKIT_API_KEY") != null ? "JOBKIT_API_KEY" : "JOBKIT_TOKEN"),
          local);
    }
    return new Connection(running.url(), local.adminKey(), where, local);
  }

  /**
   * Whether the connection is given ({@code --server}, {@code --context}, {@code JOBKIT_URL} or the
   * config file) rather than the local service of the data dir; a context named but unknown is
   * given too (it fails when used, saying so).
   */
  public static boolean given(String serverUrl, Path dataDir, Map<String, String> env) {
    try {
      return configured(serverUrl, dataDir, env).isPresent();
    } catch (IllegalArgumentException namedButUnknown) {
      return true;
    }
  }

  /**
   * Whether {@link #resolve} would connect without starting the local service: a URL is given, or
   * the local service answers already. What completion asks before it connects.
   */
  public static boolean withoutStart(String serverUrl, Path dataDir, Map<String, String> env) {
    return configured(serverUrl, dataDir, env).isPresent()
        || LocalService.of(dataDir).running().isPresent();
  }

  /**
   * Whether {@link #resolve} would connect without starting the local service, as far as files
   * tell: a URL is given, or the local service's record names a live process (which may still be
   * starting; {@link #resolve} then waits for it). No request is sent, so a one-shot command can
   * begin connecting before its arguments are parsed.
   */
  public static boolean startsNothing(String serverUrl, Path dataDir, Map<String, String> env) {
    try {
      return configured(serverUrl, dataDir, env).isPresent()
          || LocalService.of(dataDir).recorded().isPresent();
    } catch (IllegalArgumentException namedButUnknown) {
      return false; // the command reports it
    }
  }

  /**
   * The connection given by {@code --server}, a context named by {@code --context} ({@code
   * JOBKIT_CONTEXT}), {@code JOBKIT_URL}, or the config file (its context in use, else its {@code
   * url}), in that order, if any.
   */
  private static Optional<Connection> configured(
      String serverUrl, Path dataDir, Map<String, String> env) {
    String key = key(env);
    if (serverUrl != null) {
      return Optional.of(new Connection(serverUrl, key, "--server " + serverUrl, null));
    }
    String named = blankToNull(env.get("JOBKIT_CONTEXT"));
    if (named != null) {
      return Optional.of(context(Contexts.of(dataDir), named, key));
    }
    String url = blankToNull(env.get("JOBKIT_URL"));
    if (url != null) {
      return Optional.of(new Connection(url, key, "JOBKIT_URL", null));
    }
    Contexts config = Contexts.of(dataDir);
    Optional<String> current = config.current();
    if (current.isPresent()) {
      return Optional.of(context(config, current.get(), key));
    }
    String configured = config.property("url");
    if (configured != null) {
      String configuredKey = config.property("api_key");
      return Optional.of(
          new Connection(
              configured,
              configuredKey != null ? configuredKey : key,
              config.file().toString(),
              null));
    }
    return Optional.empty();
  }

  /** The connection of context {@code name}: its URL, and its key if it has one. */
  private static Connection context(Contexts contexts, String name, String key) {
    Contexts.Context context = contexts.get(name);
    return new Connection(
        context.url(),
        context.apiKey() != null ? context.apiKey() : key,
        "context " + name + " of " + contexts.file(),
        null);
  }

  /** Inside a job, the job token (acting as the job's owner) is the key when no other is set. */
  private static String key(Map<String, String> env) {
    String key = blankToNull(env.get("JOBKIT_API_KEY"));
    return key != null ? key : blankToNull(env.get("JOBKIT_TOKEN"));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
