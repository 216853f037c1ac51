package dev.jobkit.tools.mcp;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * Jobs that run until their test lets them end: each waits for a file of its own, its gate, so a
 * test decides when a job ends without guessing how long anything takes.
 */
final class GatedJobs {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final JobkitClient client;
  private final Path dir;

  GatedJobs(JobkitClient client) {
    this.client = client;
    try {
      // Searchable by all: when the tests run as root, jobs run as users of their own.
      this.dir =
          Files.createTempDirectory(
              "gates",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A shell script that runs until gate {@code name} opens, then exits 0. */
  String script(String name) {
    return "while [ ! -f '" + dir.resolve(name) + "' ]; do sleep 0.05; done";
  }

  /** Submits a job named {@code name} that runs until its gate opens; returns its id. */
  String submit(String name) {
    return client
        .jobs()
        .submit(JobSpec.builder().displayName(name).shell(script(name)).build())
        .id();
  }

  /** Submits a job as {@link #submit} does and returns its id once it is RUNNING. */
  String running(String name) {
    String id = submit(name);
    client.jobs().await(id, s -> s == JobStatus.RUNNING, START_TIMEOUT);
    return id;
  }

  /** Opens gate {@code name}: its job ends SUCCEEDED. */
  void open(String name) {
    try {
      Files.createFile(dir.resolve(name));
    } catch (FileAlreadyExistsException open) {
      // open already
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
