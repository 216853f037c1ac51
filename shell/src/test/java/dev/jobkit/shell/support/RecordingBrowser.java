package dev.jobkit.shell.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A browser for the tests, to put in {@code $BROWSER}: a script that appends each address it is
 * given to {@code opened.txt} beside it, so a test reads what the shell opened.
 */
public final class RecordingBrowser {

  private final Path script;

  private RecordingBrowser(Path script) {
    this.script = script;
  }

  /** A new one in a temporary directory of its own. */
  public static RecordingBrowser create() {
    try {
      Path dir = Files.createTempDirectory("jobkit-browser-");
      Path script = dir.resolve("browser");
      Files.writeString(
          script, "#!/bin/sh\nprintf '%s\\n' \"$1\" >> \"$(dirname \"$0\")/opened.txt\"\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
      return new RecordingBrowser(script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value of {@code $BROWSER} that runs it. */
  public String command() {
    return script + " %s";
  }

  /** The addresses it was given so far, in order. */
  public List<String> opened() throws IOException {
    Path file = script.resolveSibling("opened.txt");
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
