package dev.jobkit.sdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Predicate;

/**
 * A file written whole or not at all: the bytes go to a temporary file beside it, which replaces it
 * only once they are all there and the caller keeps them. A download that breaks off, or whose
 * bytes fail their checksum, leaves the file as it was and no temporary file behind.
 */
final class WholeFile {

  /** What writes the bytes into the temporary file, and says how it went. */
  @FunctionalInterface
  interface Fill<T> {

    /** Writes the content into {@code partial}; its outcome is given to the keep test. */
    T into(Path partial) throws IOException;
  }

  private WholeFile() {}

  /**
   * Writes {@code target} by {@code fill}, replacing it (atomically where the file system can) if
   * {@code keep} accepts the outcome.
   *
   * @throws UncheckedIOException if the temporary file cannot be made, written or moved
   */
  static <T> T write(Path target, Fill<T> fill, Predicate<T> keep) {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path partial;
    try {
      partial = Files.createTempFile(dir, "." + absolute.getFileName(), ".part");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write in " + dir + ": " + e.getMessage(), e);
    }
    try {
      T outcome = fill.into(partial);
      if (keep.test(outcome)) {
        try {
          Files.move(
              partial,
              absolute,
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return outcome;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException ignored) {
        // the write's own outcome is what the caller needs to see
      }
    }
  }
}
