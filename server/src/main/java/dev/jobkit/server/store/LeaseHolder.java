package dev.jobkit.server.store;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Properties;

/**
 * Who holds the database: a service instance's id, pid, host, process start and data dir; since
 * when, last renewed when, and until when.
 */
record LeaseHolder(
    String id,
    Long pid,
    String host,
    Instant processStartedAt,
    String dataDir,
    Instant since,
    Instant renewedAt,
    Instant expiresAt) {

  /**
   * Whether this holder ran on {@code thisHost} and its process is gone: not alive, or alive but
   * started at another time (a new process that reuses the pid, such as a container's pid 1).
   */
  boolean goneFrom(String thisHost) {
    if (pid == null || host == null || !host.equals(thisHost)) {
      return false; // another machine's processes cannot be seen from here: wait for expiry
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .map(
            p ->
                processStartedAt != null
                    && p.info()
                        .startInstant()
                        .map(start -> !stored(start).equals(processStartedAt))
                        .orElse(false))
        .orElse(true);
  }

  /** {@code another Jobkit service (pid 1234, host box, data dir /x) is using this database …}. */
  String describe(Path database, Instant now) {
    StringBuilder s =
        new StringBuilder("another Jobkit service (pid ")
            .append(pid)
            .append(", host ")
            .append(host);
    if (dataDir != null) {
      s.append(", data dir ").append(dataDir);
    }
    s.append(") is using this database");
    if (database != null) {
      s.append(" (").append(database).append(')');
    }
    if (since != null) {
      s.append(" since ").append(since.truncatedTo(ChronoUnit.SECONDS));
    }
    if (renewedAt != null && expiresAt != null) {
      s.append(" (last renewed ")
          .append(Math.max(0, Duration.between(renewedAt, now).toSeconds()))
          .append(" s ago; its hold ends in ")
          .append(Math.max(0, Duration.between(now, expiresAt).toSeconds()))
          .append(" s unless renewed)");
    }
    return s.toString();
  }

  /** Writes the note next to an embedded database that a second process reads in its refusal. */
  void writeNote(Path file, Instant since) throws IOException {
    Properties note = new Properties();
    note.setProperty("holder", id);
    note.setProperty("pid", Long.toString(pid));
    note.setProperty("host", host);
    note.setProperty("data_dir", dataDir);
    note.setProperty("since", since.truncatedTo(ChronoUnit.SECONDS).toString());
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      note.store(out, "The Jobkit service that holds this database (see service_lease)");
    }
  }

  /** The holder a note names; empty when there is no note, or not one of ours. */
  static Optional<LeaseHolder> readNote(Path file) {
    Properties note = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      note.load(in);
      return Optional.of(
          new LeaseHolder(
              note.getProperty("holder"),
              Long.valueOf(note.getProperty("pid")),
              note.getProperty("host"),
              null,
              note.getProperty("data_dir"),
              Instant.parse(note.getProperty("since")),
              null,
              null));
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  /** As the database keeps it (microseconds), so that a value read back compares equal. */
  static Instant stored(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }
}
