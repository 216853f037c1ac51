package dev.jobkit.server.api;

import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.exec.LogTail;
import dev.jobkit.server.jobs.JobReader;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows a pod's log over Server-Sent Events: {@code log} events carry what was appended (their id
 * is the byte offset after them, so a client resumes with {@code Last-Event-ID}), and an {@code
 * end} event carries the job's final status once it has ended and the log is drained.
 *
 * <p>The log file is the stream's buffer: each stream keeps only its own position and reads the
 * file no further than its queue has room for ({@code jobkit.api.stream-buffer}), so a reader that
 * falls behind costs nothing but its connection, and the two poller threads shared by all streams
 * only read files and queue bytes, never wait on a socket. A reader that takes nothing at all is
 * dropped by {@link OpenStreams}.
 */
@Component
class LogStreams {

  private static final Logger log = LoggerFactory.getLogger(LogStreams.class);

  private static final int CHUNK_BYTES = 64 * 1024;
  private static final long POLL_MILLIS = 100;

  private final JobReader jobs;
  private final JobFiles files;
  private final OpenStreams streams;
  private final JsonMapper json;
  private final ScheduledExecutorService pollers =
      Executors.newScheduledThreadPool(2, DaemonThreads.named("jobkit-log-follow"));

  LogStreams(JobReader jobs, JobFiles files, OpenStreams streams, JsonMapper json) {
    this.jobs = jobs;
    this.files = files;
    this.streams = streams;
    this.json = json;
  }

  void follow(
      Caller caller,
      String jobId,
      int pod,
      long offset,
      HttpServletRequest request,
      HttpServletResponse response) {
    SseChannel channel = streams.open(caller, request, response, Long.toString(offset));
    Follower follower = new Follower(jobId, pod, offset, channel);
    // Commits the answer now: without it a client sees no answer at all until the job writes its
    // first byte, which may be never.
    channel.comment("following job " + jobId + " pod " + pod);
    follower.task =
        pollers.scheduleWithFixedDelay(follower::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    channel.onClosed(follower::cancel);
    // A reader that took everything gets more at once, not at the next poll.
    channel.onDrained(follower::pollSoon);
  }

  /** The bytes in the pod's log now; 0 before it has any. */
  long logSize(String jobId, int pod) {
    try {
      return Files.size(files.log(jobId, pod));
    } catch (NoSuchFileException notYet) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final class Follower {
    private final String jobId;
    private final int pod;
    private final SseChannel channel;
    private final AtomicBoolean pollQueued = new AtomicBoolean();
    private long position;
    private volatile ScheduledFuture<?> task;
    private volatile boolean over;

    Follower(String jobId, int pod, long offset, SseChannel channel) {
      this.jobId = jobId;
      this.pod = pod;
      this.position = offset;
      this.channel = channel;
    }

    void pollSoon() {
      if (!over && pollQueued.compareAndSet(false, true)) {
        try {
          pollers.execute(
              () -> {
                pollQueued.set(false);
                poll();
              });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
          pollQueued.set(false);
        }
      }
    }

    void cancel() {
      over = true;
      ScheduledFuture<?> f = task;
      if (f != null) {
        f.cancel(false);
      }
    }

    void poll() {
      try {
        synchronized (this) {
          if (!over && !pump()) {
            cancel();
          }
        }
      } catch (RuntimeException failed) {
        log.warn(
            "following the log of job {} pod {} failed; the stream is closed", jobId, pod, failed);
        cancel();
        channel.close();
      }
    }

    /** Queues what is new, as far as the queue has room; false once the stream has ended. */
    private boolean pump() {
      if (!channel.isOpen()) {
        return false;
      }
      // Read the status first: if it is terminal now, everything the job wrote is in the file.
      Optional<JobStatus> status = jobs.status(jobId);
      long least = Math.min(CHUNK_BYTES, streams.buffer());
      boolean drained = false;
      while (true) {
        long room = channel.room();
        if (room < least) {
          break; // the reader is behind: the file keeps the rest
        }
        int ask = (int) Math.min(CHUNK_BYTES, room);
        byte[] bytes = LogTail.readFrom(files.log(jobId, pod), position, ask);
        int usable = completeUtf8Prefix(bytes);
        if (usable > 0) {
          long start = position;
          position += usable;
          Map<String, Object> data = new LinkedHashMap<>();
          data.put("offset", start);
          data.put("text", new String(bytes, 0, usable, StandardCharsets.UTF_8));
          channel.send(Long.toString(position), "log", json.writeValueAsBytes(data));
        }
        if (bytes.length < ask || usable == 0) {
          drained = true;
          break;
        }
      }
      if (drained && (status.isEmpty() || status.get().isTerminal())) {
        Map<String, Object> end = new LinkedHashMap<>();
        end.put("status", status.map(Enum::name).orElse(null));
        end.put("offset", position);
        if (status.isEmpty()) {
          end.put("reason", "the job was deleted");
        }
        channel.finish("end", json.writeValueAsBytes(end));
        return false;
      }
      return true;
    }
  }

  /** How many leading bytes form whole UTF-8 characters, so no character is cut in two. */
  static int completeUtf8Prefix(byte[] bytes) {
    int end = bytes.length;
    int i = end - 1;
    int back = 0;
    while (i >= 0 && back < 4 && (bytes[i] & 0xC0) == 0x80) {
      i--;
      back++;
    }
    if (i < 0) {
      return end;
    }
    int lead = bytes[i] & 0xFF;
    int need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return end - i >= need ? end : i;
  }

  @PreDestroy
  void close() {
    pollers.shutdownNow();
  }
}
