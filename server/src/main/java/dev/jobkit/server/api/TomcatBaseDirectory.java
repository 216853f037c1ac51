package dev.jobkit.server.api;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

/**
 * Tomcat's base directory, deleted when the service stops. Spring Boot makes one in the temporary
 * directory at each start and asks the JVM to delete it at exit, which fails because Tomcat's work
 * directory is in it by then (spring-boot#9983): every start left a {@code tomcat.<port>.<n>} tree
 * in {@code /tmp}. Made the same way (mode {@code 0700}) and deleted once the web server is
 * stopped; {@code server.tomcat.basedir}, when set, is left as it is.
 *
 * <p>A service killed outright cannot delete its own. So each service holds a lock on the file
 * {@value #LOCK} in its directory while it runs, and at its start deletes the directories of the
 * others whose lock nobody holds: their services are gone (the system lets go of a process's locks
 * when it ends). A directory made in the last minute is left alone: its service may be between
 * making it and locking it.
 */
@Component
class TomcatBaseDirectory
    implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, DisposableBean, Ordered {

  static final String PREFIX = "jobkit-tomcat-";
  static final String LOCK = ".lock";
  static final Duration STARTING = Duration.ofMinutes(1);
  static final Duration UNLOCKED_GRACE = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(TomcatBaseDirectory.class);

  // The lock files this JVM holds (tests run several services in one). Never opened by the sweep:
  // closing any channel of a file lets go of every lock the process holds on it (POSIX locks).
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private volatile Path directory;
  private volatile FileChannel lock;

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    if (factory.getBaseDirectory() != null) {
      return; // server.tomcat.basedir
    }
    try {
      directory = Files.createTempDirectory(PREFIX);
      lock = FileChannel.open(directory.resolve(LOCK), CREATE_NEW, WRITE);
      lock.lock();
      HELD.add(directory.resolve(LOCK));
    } catch (IOException e) {
      throw new IllegalStateException("cannot make a base directory for Tomcat", e);
    }
    factory.setBaseDirectory(directory.toFile());
    try {
      removeLeftovers(directory.getParent(), Files.getOwner(directory, NOFOLLOW_LINKS));
    } catch (IOException e) {
      log.debug("could not look for Tomcat directories left by services that are gone", e);
    }
  }

  /**
   * Deletes the base directories in {@code parent} of services that are gone: directories (never a
   * link) of {@code self}, the user this service runs as, only.
   */
  static void removeLeftovers(Path parent, UserPrincipal self) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path dir : dirs) {
        if (Files.isDirectory(dir, NOFOLLOW_LINKS)
            && self.equals(Files.getOwner(dir, NOFOLLOW_LINKS))
            && gone(dir)) {
          FileSystemUtils.deleteRecursively(dir);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Only tidying: the service runs all the same.
      log.debug("could not look for Tomcat directories left by services that are gone", e);
    }
  }

  /**
   * Whether the service that made {@code dir} is gone: nobody holds its lock. A directory changed
   * in the last {@link #STARTING} is not looked at: its service may have made it and not yet taken
   * its lock; one without the lock file (an older service's) is left for {@link #UNLOCKED_GRACE}.
   */
  private static boolean gone(Path dir) throws IOException {
    Instant changed = Files.getLastModifiedTime(dir, NOFOLLOW_LINKS).toInstant();
    Path lockFile = dir.resolve(LOCK);
    if (changed.isAfter(Instant.now().minus(STARTING)) || HELD.contains(lockFile)) {
      return false;
    }
    if (!Files.exists(lockFile, NOFOLLOW_LINKS)) {
      return changed.isBefore(Instant.now().minus(UNLOCKED_GRACE));
    }
    try (FileChannel channel = FileChannel.open(lockFile, WRITE, NOFOLLOW_LINKS);
        FileLock held = channel.tryLock()) {
      return held != null;
    } catch (OverlappingFileLockException inThisJvm) {
      return false; // another service of this JVM took it just now
    }
  }

  /** The directory made for Tomcat, if one was. */
  Path directory() {
    return directory;
  }

  @Override
  public void destroy() throws IOException {
    Path made = directory;
    if (made != null) {
      FileSystemUtils.deleteRecursively(made);
      lock.close();
      HELD.remove(made.resolve(LOCK));
    }
  }

  @Override
  public int getOrder() {
    // After Boot's own customizer, which applies server.tomcat.basedir.
    return Ordered.LOWEST_PRECEDENCE;
  }
}
