package dev.jobkit.server.worker;

import dev.jobkit.server.JobkitProperties;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The options of {@code jobkit worker}, read from its arguments and environment.
 *
 * @param url the service's base URL, which the pods get as {@code JOBKIT_URL} too
 * @param key a worker key (role {@code worker}) or an admin's
 * @param slots how many pods run at once
 * @param apps the apps whose jobs it claims; empty for any
 * @param name the name it registers under
 * @param workDir its data dir: the jobs' work dirs, logs and outputs while they run
 * @param settings {@code jobkit.*} settings given as {@code --jobkit.name=value} (the executor's:
 *     {@code jobkit.executor.stop-grace-period}, …)
 */
record WorkerOptions(
    String url,
    String key,
    int slots,
    List<String> apps,
    String name,
    Path workDir,
    Map<String, String> settings) {

  static final String USAGE =
      "usage: jobkit worker --url URL [--key KEY] [--slots N] [--apps A,B] [--name NAME]"
          + " [--work-dir DIR] [--jobkit.NAME=VALUE ...]\n"
          + "  --url       the service (else JOBKIT_URL)\n"
          + "  --key       a worker key (else JOBKIT_WORKER_KEY, else JOBKIT_API_KEY)\n"
          + "  --slots     pods run at once (default: the number of cores)\n"
          + "  --apps      claim only jobs of these apps (default: any job)\n"
          + "  --name      the name it registers under (default: the host name)\n"
          + "  --work-dir  where running jobs' files are kept (default: ~/.jobkit-worker,"
          + " /var/lib/jobkit-worker for root)\n"
          + "  --jobkit.executor.NAME=VALUE  an executor setting, as the service's";

  /** A bad option, with a sentence for the user. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Reads the options; {@code env} stands for the environment.
   *
   * @throws UsageException naming the option that is missing or wrong
   */
  static WorkerOptions parse(String[] args, Map<String, String> env) {
    Map<String, String> given = new LinkedHashMap<>();
    Map<String, String> settings = new LinkedHashMap<>();
    List<String> known = List.of("--url", "--key", "--slots", "--apps", "--name", "--work-dir");
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      int eq = a.indexOf('=');
      String option = eq < 0 ? a : a.substring(0, eq);
      if (option.startsWith("--jobkit.") && eq > 0) {
        settings.put(option.substring(2), a.substring(eq + 1));
        continue;
      }
      if (!known.contains(option)) {
        throw new UsageException("unknown option '" + a + "'");
      }
      String value;
      if (eq >= 0) {
        value = a.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new UsageException(option + " needs a value");
      }
      given.put(option, value.strip());
    }
    String url = given.getOrDefault("--url", env.getOrDefault("JOBKIT_URL", "")).strip();
    if (url.isEmpty()) {
      throw new UsageException("--url is required (or JOBKIT_URL): the service to work for");
    }
    URI parsed;
    try {
      parsed = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--url is not a URL: " + url);
    }
    if (parsed.getScheme() == null
        || !(parsed.getScheme().equals("http") || parsed.getScheme().equals("https"))
        || parsed.getHost() == null) {
      throw new UsageException(
          "--url must be an http(s) URL such as http://jobkit:8080, not " + url);
    }
    String key = given.get("--key");
    if (key == null) {
      key = env.get("JOBKIT_WORKER_KEY");
    }
    if (key == null || key.isBlank()) {
      key = env.get("JOBKIT_API_KEY");
    }
    if (key == null || key.isBlank()) {
      throw new UsageException(
          "--key is required (or JOBKIT_WORKER_KEY): a key of role worker, see docs/workers.md");
    }
    int slots = Runtime.getRuntime().availableProcessors();
    if (given.containsKey("--slots")) {
      try {
        slots = Integer.parseInt(given.get("--slots"));
      } catch (NumberFormatException e) {
        slots = 0;
      }
      if (slots < 1 || slots > 10_000) {
        throw new UsageException(
            "--slots must be a whole number from 1 to 10000, not " + given.get("--slots"));
      }
    }
    List<String> apps = new ArrayList<>();
    if (given.containsKey("--apps")) {
      Arrays.stream(given.get("--apps").split(","))
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .forEach(apps::add);
    }
    String name = given.getOrDefault("--name", hostName());
    if (name.isBlank()) {
      throw new UsageException("--name must not be empty");
    }
    Path workDir =
        given.containsKey("--work-dir")
            ? Path.of(given.get("--work-dir"))
            : JobkitProperties.defaultDataDir()
                .resolveSibling(JobkitProperties.defaultDataDir().getFileName() + "-worker");
    return new WorkerOptions(
        url.replaceAll("/+$", ""), key.strip(), slots, List.copyOf(apps), name, workDir, settings);
  }

  /**
   * The executor's settings: the work dir as the data dir, the slots, and the {@code jobkit.*}
   * given, bound as the service binds its own (same names, same defaults).
   */
  JobkitProperties properties() {
    Map<String, String> source = new LinkedHashMap<>(settings);
    source.put("jobkit.data-dir", workDir.toAbsolutePath().toString());
    source.put("jobkit.executor.slots", Integer.toString(slots));
    return new Binder(new MapConfigurationPropertySource(source))
        .bindOrCreate("jobkit", JobkitProperties.class);
  }

  /** This machine's name, or {@code localhost} when it has none that resolves. */
  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  @Override
  public String toString() {
    // Never the key.
    return "WorkerOptions[url="
        + url
        + ", slots="
        + slots
        + ", apps="
        + apps
        + ", name="
        + name
        + ", workDir="
        + workDir
        + "]";
  }
}
