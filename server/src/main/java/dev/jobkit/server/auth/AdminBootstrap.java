package dev.jobkit.server.auth;

import dev.jobkit.sdk.users.Role;
import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.store.UserStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Makes sure the {@code admin} user exists and holds the admin key before the first request: the
 * key of {@code jobkit.auth.admin-key}, else of {@code JOBKIT_ADMIN_KEY}, else the one in {@code
 * <data-dir>/credentials}, else a new key written there with mode 0600 (where the local shell finds
 * it).
 */
@Component
class AdminBootstrap implements SmartLifecycle {

  static final String ADMIN = "admin";
  private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

  private final UserStore users;
  private final JobkitProperties properties;
  private volatile boolean done;

  AdminBootstrap(UserStore users, JobkitProperties properties) {
    this.users = users;
    this.properties = properties;
  }

  @Override
  public void start() {
    String key = configuredKey();
    if (key == null) {
      key = readCredentials();
    }
    if (key == null) {
      key = Keys.newApiKey();
      writeCredentials(key);
      log.info("generated the admin API key in {}", credentialsFile());
    }
    users.create(ADMIN, Role.ADMIN, SchedulingMode.PARALLEL);
    String hash = Keys.hash(key);
    if (users.findByKeyHash(hash).isEmpty()) {
      try {
        users.addKey(Keys.newId("key"), ADMIN, hash);
      } catch (DataIntegrityViolationException raced) {
        // Another service sharing the database added the same key at the same moment.
        if (users.findByKeyHash(hash).isEmpty()) {
          throw raced;
        }
      }
    }
    done = true;
  }

  private String configuredKey() {
    String key = properties.auth().adminKey();
    if (key == null || key.isBlank()) {
      key = System.getenv("JOBKIT_ADMIN_KEY");
    }
    return key == null || key.isBlank() ? null : key.strip();
  }

  Path credentialsFile() {
    return properties.dataDir().resolve("credentials");
  }

  private String readCredentials() {
    Path file = credentialsFile();
    if (!Files.exists(file)) {
      return null;
    }
    Properties credentials = new Properties();
    try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      credentials.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    String key = credentials.getProperty("admin_key");
    return key == null || key.isBlank() ? null : key.strip();
  }

  private void writeCredentials(String key) {
    Path file = credentialsFile();
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          file,
          "# Jobkit credentials, written by the service on its first start. Keep this file"
              + " private.\nadmin_key="
              + key
              + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  @Override
  public void stop() {}

  @Override
  public boolean isRunning() {
    return done;
  }

  @Override
  public int getPhase() {
    return -100; // before the engine and the web server
  }
}
