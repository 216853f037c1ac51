package dev.jobkit.server.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;

/** The files a job left in its output dir, to upload as its results. */
final class OutputFiles {

  private OutputFiles() {}

  /**
   * Every regular file under {@code dir} by its {@code /}-separated path relative to it, in path
   * order. Symbolic links are neither followed nor uploaded: a job could point one at any file the
   * worker may read.
   */
  static Map<String, Path> under(Path dir) {
    Map<String, Path> found = new TreeMap<>();
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return found;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()) {
                StringBuilder relative = new StringBuilder();
                for (Path part : dir.relativize(file)) {
                  if (!relative.isEmpty()) {
                    relative.append('/');
                  }
                  relative.append(part);
                }
                found.put(relative.toString(), file);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the results in " + dir, e);
    }
    return found;
  }
}
