package dev.jobkit.server.worker;

import dev.jobkit.sdk.WorkerProtocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One pod's log on its way to the service: the local file the executor writes, how much of it the
 * service has confirmed, and where in the service's log the next bytes go. Only confirmed bytes
 * count as shipped, so a call that fails is sent again with the same bytes at the same offset,
 * which the service writes once.
 */
final class PodLog {

  /** The most bytes one append carries. */
  static final int CHUNK = 256 * 1024;

  private final String jobId;
  private final String workerId;
  private final int pod;
  private final Path file;

  /** Bytes of the local file the service has confirmed. */
  private long shipped;

  /**
   * Where the next bytes go in the service's log: its size as last told, or -1 before it was asked.
   * It holds earlier attempts' bytes (and the service's own lines), so it is not {@link #shipped}.
   */
  private long offset;

  /**
   * @param offset where this attempt's bytes go in the service's log, as the claim said; -1 when it
   *     did not say, to be asked before the first append
   */
  PodLog(String jobId, String workerId, int pod, Path file, long offset) {
    this.jobId = jobId;
    this.workerId = workerId;
    this.pod = pod;
    this.file = file;
    this.offset = offset;
  }

  /**
   * Sends the next chunk of what the pod wrote, if any.
   *
   * @return whether it sent something (false: the service has every byte written so far)
   */
  boolean shipChunk(WorkerProtocol api) {
    long size = localSize();
    if (size <= shipped) {
      return false;
    }
    if (offset < 0) {
      // An empty append changes nothing and answers the log's size: where this attempt begins.
      offset = api.appendLog(jobId, workerId, pod, 0, new byte[0]);
    }
    byte[] chunk = read(shipped, (int) Math.min(CHUNK, size - shipped));
    if (chunk.length == 0) {
      return false;
    }
    long after = api.appendLog(jobId, workerId, pod, offset, chunk);
    offset = after;
    shipped += chunk.length;
    return true;
  }

  /** The bytes the service has of this attempt's log. */
  long shipped() {
    return shipped;
  }

  private long localSize() {
    try {
      return java.nio.file.Files.size(file);
    } catch (NoSuchFileException notYet) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] read(long from, int length) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocate(length);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, from + buffer.position()) < 0) {
          break;
        }
      }
      byte[] bytes = new byte[buffer.position()];
      buffer.flip().get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
