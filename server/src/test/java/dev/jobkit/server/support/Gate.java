package dev.jobkit.server.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Holds a job's pod until the test lets it go, so a test can look at a running job without
 * sleeping: the pod's script runs {@link #WAIT}, which returns once the test has called {@link
 * #open} and created the file {@code release} in the pod's work dir.
 */
public final class Gate {

  /** Shell that blocks until the gate of its pod is opened. */
  public static final String WAIT = "while [ ! -e release ]; do sleep 0.05; done";

  private Gate() {}

  /** Lets pod {@code pod} of job {@code jobId} past its {@link #WAIT}. */
  public static void open(JobkitServer server, String jobId, int pod) {
    Path dir = server.jobDir(jobId).resolve("pods").resolve(Integer.toString(pod));
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("release"), "go");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lets pod 0 of job {@code jobId} go. */
  public static void open(JobkitServer server, String jobId) {
    open(server, jobId, 0);
  }
}
