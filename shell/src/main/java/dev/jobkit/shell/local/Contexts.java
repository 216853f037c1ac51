package dev.jobkit.shell.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Named connections, as kubectl's contexts: each a service URL and a key, kept in the data dir's
 * {@code config.properties} ({@code contexts.<name>.url}, {@code contexts.<name>.api_key}), and the
 * one in use ({@code context=<name>}). The file holds keys, so it is written readable by its owner
 * only.
 */
public final class Contexts {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** One context. */
  public record Context(String name, String url, String apiKey) {}

  private final Path file;
  private final Properties properties;

  private Contexts(Path file, Properties properties) {
    this.file = file;
    this.properties = properties;
  }

  /** The contexts of {@code dataDir}'s config file (none if it has none). */
  public static Contexts of(Path dataDir) {
    Path file = dataDir.resolve("config.properties");
    Properties p = new Properties();
    if (Files.isRegularFile(file)) {
      try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(reader);
      } catch (IOException e) {
        throw new ServiceUnavailableException("cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return new Contexts(file, p);
  }

  /** A setting of the config file that is not a context's ({@code url}, {@code api_key}). */
  String property(String name) {
    String value = properties.getProperty(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** The config file. */
  public Path file() {
    return file;
  }

  /** Every context, by name. */
  public Map<String, Context> all() {
    Map<String, Context> all = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      if (key.startsWith("contexts.") && key.endsWith(".url")) {
        String name = key.substring("contexts.".length(), key.length() - ".url".length());
        all.put(name, new Context(name, property(key), property("contexts." + name + ".api_key")));
      }
    }
    return all;
  }

  /** The context in use ({@code context=}), if one is. */
  public Optional<String> current() {
    return Optional.ofNullable(property("context"));
  }

  /**
   * The context named {@code name}.
   *
   * @throws IllegalArgumentException naming the contexts there are
   */
  public Context get(String name) {
    Context context = all().get(name);
    if (context == null) {
      throw new IllegalArgumentException(
          "no context '"
              + name
              + "' in "
              + file
              + (all().isEmpty()
                  ? "; make one with 'context set NAME --server URL --api-key KEY'"
                  : "; there are: " + String.join(", ", all().keySet())));
    }
    return context;
  }

  /** Adds or changes context {@code name}. */
  public void set(String name, String url, String apiKey) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a context's name is letters, digits, '.', '_' and '-', at most 64, not '" + name + "'");
    }
    properties.setProperty("contexts." + name + ".url", url);
    if (apiKey != null) {
      properties.setProperty("contexts." + name + ".api_key", apiKey);
    } else {
      properties.remove("contexts." + name + ".api_key");
    }
    save();
  }

  /** Makes {@code name} the context in use. */
  public void use(String name) {
    get(name);
    properties.setProperty("context", name);
    save();
  }

  private void save() {
    try {
      Files.createDirectories(file.getParent());
      if (!Files.exists(file)) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      try (var writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        properties.store(
            writer, "jobkit shell: the service to connect to (url, api_key), contexts");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
