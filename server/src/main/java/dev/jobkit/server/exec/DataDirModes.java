package dev.jobkit.server.exec;

import dev.jobkit.server.JobkitProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Makes the data dir the service's alone before anything runs, whatever modes an earlier version or
 * the umask left: the data dir and {@code jobs/} {@code 0700}, the database directory {@code 0700}
 * and its files {@code 0600}, the credentials and the local shell's files {@code 0600}. When pods
 * run as other users (the service is root), the data dir and {@code jobs/} are {@code 0710} with
 * the run-as group, which lets pods pass through to their own job's directory (they cannot list
 * either, and nothing else in them lets them in). Then checks that they can get there at all.
 */
@Component
class DataDirModes implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DataDirModes.class);

  /** What the data dir may hold besides the database and the jobs: never readable by jobs. */
  private static final List<String> PRIVATE_FILES =
      List.of(
          "credentials", "config.properties", "service.log", "service.properties", "service.lock");

  private final Path dataDir;
  private final JobFiles files;
  private final PodUsers users;
  private volatile Optional<String> unreachable = Optional.empty();
  private volatile boolean running;

  DataDirModes(JobkitProperties properties, JobFiles files, PodUsers users) {
    this.dataDir = properties.dataDir().toAbsolutePath().normalize();
    this.files = files;
    this.users = users;
  }

  @Override
  public void start() {
    try {
      Files.createDirectories(files.root());
      int group = users.group();
      restrict(dataDir.toRealPath(), group);
      restrict(files.root().toRealPath(), group);
      Path db = dataDir.resolve("db");
      if (Files.isDirectory(db, LinkOption.NOFOLLOW_LINKS)) {
        Files.setPosixFilePermissions(db, JobFiles.PRIVATE_DIR);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(db)) {
          for (Path entry : entries) {
            if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
              Files.setPosixFilePermissions(entry, JobFiles.PRIVATE_FILE);
            }
          }
        }
      }
      for (String name : PRIVATE_FILES) {
        Path file = dataDir.resolve(name);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(file, JobFiles.PRIVATE_FILE);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the data dir " + dataDir + " private", e);
    }
    unreachable = users.unreachable(files.root());
    if (unreachable.isEmpty()) {
      try {
        // Through a link, both the way in and where it leads must let pods pass.
        unreachable = users.unreachable(files.root().toRealPath());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    unreachable.ifPresent(why -> log.error("no job can start: {}", why));
    running = true;
  }

  /** {@code 0700}, or {@code 0710} with the pods' group when there is one. */
  private static void restrict(Path dir, int group) throws IOException {
    if (group < 0) {
      Files.setPosixFilePermissions(dir, JobFiles.PRIVATE_DIR);
      return;
    }
    Files.setPosixFilePermissions(dir, JobFiles.PRIVATE_DIR);
    Files.setAttribute(dir, "unix:gid", group, LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(dir, JobFiles.PASSAGE_DIR);
  }

  /** Why pods cannot reach their directories, when they cannot: every launch fails with it. */
  Optional<String> unreachable() {
    return unreachable;
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return -200; // before the admin key is written and the engine starts
  }
}
