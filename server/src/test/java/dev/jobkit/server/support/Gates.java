package dev.jobkit.server.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.springframework.util.FileSystemUtils;

/**
 * The tests' one way to hold a job until the test lets it go, so a test looks at a running job
 * without guessing how long anything takes: a job runs {@link #script(String)}, which waits for a
 * file of its own, its gate, and exits 0 once {@link #open(String)} has created it.
 *
 * <p>Gates live in a directory of their own, outside every service's data dir, so they work for any
 * service, on any data dir, and survive a restart. The directory is searchable by all: when the
 * tests run as root, pods run as accounts of their own.
 *
 * <pre>{@code
 * Job job = user.submitShell(gates.script("train"));
 * user.awaitStatus(job.id(), RUNNING);
 * gates.open("train"); // the job ends SUCCEEDED
 * }</pre>
 */
public final class Gates implements AutoCloseable {

  private final Path dir;

  private Gates(Path dir) {
    this.dir = dir;
  }

  /** Gates in a new temporary directory; {@link #close} deletes it. */
  public static Gates create() {
    try {
      return new Gates(
          Files.createTempDirectory(
              "jobkit-gates-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A shell script that runs until gate {@code name} opens, then exits 0. */
  public String script(String name) {
    return "while [ ! -f '" + path(name) + "' ]; do sleep 0.05; done";
  }

  /** Opens gate {@code name}: the jobs waiting for it end. Opening an open gate does nothing. */
  public void open(String name) {
    try {
      Files.createFile(path(name));
    } catch (FileAlreadyExistsException open) {
      // open already
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path path(String name) {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "a gate's name is letters, digits, '.', '_', '-': " + name);
    }
    return dir.resolve(name);
  }

  /** Deletes the gates' directory. */
  @Override
  public void close() {
    FileSystemUtils.deleteRecursively(dir.toFile());
  }
}
