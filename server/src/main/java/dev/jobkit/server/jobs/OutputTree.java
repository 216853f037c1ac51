package dev.jobkit.server.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A job's output dir, read without ever following a symbolic link: every directory on the way to a
 * file, and the file itself, is opened relative to its parent's open descriptor with {@code
 * O_NOFOLLOW} ({@link SecureDirectoryStream}, {@code openat}). A job that still runs writes in this
 * tree while the service reads it, and may swap a directory for a link to {@code /etc} between a
 * check of the path and its opening; the service, which may run as root, must not read through it.
 * Checking a real path first and opening by name afterwards leaves that window open; this does not.
 *
 * <p>Where the platform has no {@link SecureDirectoryStream}, every step is checked with {@code
 * NOFOLLOW_LINKS} by path instead (which narrows, but does not close, the window).
 */
final class OutputTree {

  /**
   * How deep the walk goes: a directory this many levels down is not entered. Far beyond any real
   * result, and what keeps a job's tree of thousands of levels from overflowing the stack.
   */
  static final int MAX_DEPTH = 256;

  private OutputTree() {}

  /** What {@link #walk} does with each regular file; may open it with {@link #open}. */
  interface Visitor {
    void file(String path, BasicFileAttributes attributes) throws IOException;
  }

  /**
   * Visits every regular file under {@code dir} down to {@link #MAX_DEPTH} levels (links, sockets,
   * devices and FIFOs are skipped, and no link is followed), in no particular order; a name {@code
   * accept} refuses is skipped, a directory with it not entered. Entries that vanish or cannot be
   * read meanwhile are skipped.
   */
  static void walk(Path dir, java.util.function.Predicate<String> accept, Visitor visitor)
      throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    DirectoryStream<Path> top = Files.newDirectoryStream(dir);
    if (top instanceof SecureDirectoryStream<Path> secure) {
      try (secure) {
        walk(secure, "", 1, accept, visitor);
      }
    } else {
      top.close();
      walkByPath(dir, "", 1, accept, visitor);
    }
  }

  private static void walk(
      SecureDirectoryStream<Path> dir,
      String prefix,
      int depth,
      java.util.function.Predicate<String> accept,
      Visitor visitor)
      throws IOException {
    List<Path> names = new ArrayList<>();
    for (Path p : dir) {
      names.add(p.getFileName());
    }
    for (Path name : names) {
      String path = prefix + name;
      if (!accept.test(path)) {
        continue;
      }
      BasicFileAttributes attrs;
      try {
        attrs =
            dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
      } catch (IOException gone) {
        continue;
      }
      if (attrs.isDirectory()) {
        if (depth >= MAX_DEPTH) {
          continue;
        }
        SecureDirectoryStream<Path> sub;
        try {
          sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException gone) {
          continue; // gone, swapped for a link (ELOOP) or a file, or unreadable
        }
        try (sub) {
          walk(sub, path + "/", depth + 1, accept, visitor);
        }
      } else if (attrs.isRegularFile()) {
        visitor.file(path, attrs);
      }
    }
  }

  private static void walkByPath(
      Path dir,
      String prefix,
      int depth,
      java.util.function.Predicate<String> accept,
      Visitor visitor)
      throws IOException {
    List<Path> names = new ArrayList<>();
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
      for (Path p : list) {
        names.add(p.getFileName());
      }
    } catch (IOException gone) {
      return;
    }
    for (Path name : names) {
      String path = prefix + name;
      if (!accept.test(path)) {
        continue;
      }
      Path child = dir.resolve(name);
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException gone) {
        continue;
      }
      if (attrs.isDirectory()) {
        if (depth < MAX_DEPTH) {
          walkByPath(child, path + "/", depth + 1, accept, visitor);
        }
      } else if (attrs.isRegularFile()) {
        visitor.file(path, attrs);
      }
    }
  }

  /**
   * Opens the regular file at {@code path} ({@code /}-separated, already checked to have no empty,
   * {@code .} or {@code ..} segment) under {@code dir}, following no link on the way.
   *
   * @throws NoSuchFileException when it, or a directory on the way, is gone or is not what it was
   *     (a link, a file where a directory was)
   */
  static SeekableByteChannel open(Path dir, String path) throws IOException {
    String[] parts = path.split("/");
    DirectoryStream<Path> top = Files.newDirectoryStream(dir);
    if (!(top instanceof SecureDirectoryStream<Path> secure)) {
      top.close();
      return openByPath(dir, parts);
    }
    SecureDirectoryStream<Path> at = secure;
    try {
      for (int i = 0; i < parts.length - 1; i++) {
        SecureDirectoryStream<Path> next;
        try {
          next = at.newDirectoryStream(Path.of(parts[i]), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          throw gone(path, e);
        }
        at.close();
        at = next;
      }
      Path name = Path.of(parts[parts.length - 1]);
      BasicFileAttributes attrs;
      try {
        attrs =
            at.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
      } catch (IOException e) {
        throw gone(path, e);
      }
      if (!attrs.isRegularFile()) {
        throw new NoSuchFileException(path, null, "not a regular file");
      }
      try {
        return at.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
      } catch (IOException e) {
        throw gone(path, e);
      }
    } finally {
      at.close();
    }
  }

  /** {@link #open} as a stream. */
  static InputStream openStream(Path dir, String path) throws IOException {
    return Channels.newInputStream(open(dir, path));
  }

  private static SeekableByteChannel openByPath(Path dir, String[] parts) throws IOException {
    Path at = dir;
    for (String part : parts) {
      at = at.resolve(part);
      if (Files.isSymbolicLink(at)) {
        throw new NoSuchFileException(at.toString(), null, "a symbolic link");
      }
    }
    if (!Files.isRegularFile(at, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(at.toString(), null, "not a regular file");
    }
    return Files.newByteChannel(at, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
  }

  private static NoSuchFileException gone(String path, IOException cause) {
    NoSuchFileException e = new NoSuchFileException(path, null, cause.toString());
    e.initCause(cause);
    return e;
  }
}
