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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 *
 * <p>A stream of one attempt ({@code attempt=N}) reads only that attempt's part of the log and ends
 * once it has sent all of it: at the next attempt's start, or at the log's end once the attempt has
 * ended. Its {@code end} event carries the attempt's outcome and number.
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
      int attempt,
      HttpServletRequest request,
      HttpServletResponse response) {
    SseChannel channel = streams.open(caller, request, response, Long.toString(offset));
    Follower follower = new Follower(jobId, pod, attempt, offset, channel);
    // Commits the answer now: without it a client sees no answer at all until the job writes its
    // first byte, which may be never.
    channel.comment(
        "following job " + jobId + " pod " + pod + (attempt > 0 ? " attempt " + attempt : ""));
    follower.task =
        pollers.scheduleWithFixedDelay(follower::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    channel.onClosed(follower::cancel);
    // A reader that took everything gets more at once, not at the next poll.
    channel.onDrained(follower::pollSoon);
  }

  /** The bytes in the pod's log now; 0 before it has any. */
  long logSize(String jobId, int pod) {
    return files.logSize(jobId, pod);
  }

  /**
   * What ends a stream once it has read up to {@code end} (-1: the end of the file): the job's end
   * or deletion, or the end of the attempt it follows.
   */
  private record Ending(long end, JobStatus status, int attempt) {}

  private final class Follower {
    private final String jobId;
    private final int pod;
    private final int attempt;
    private final SseChannel channel;
    private final AtomicBoolean pollQueued = new AtomicBoolean();
    private long position;
    private volatile ScheduledFuture<?> task;
    private volatile boolean over;
    // Where the followed attempt's part ends, once it has ended: that part grows no more.
    private Ending attemptEnding;

    Follower(String jobId, int pod, int attempt, long offset, SseChannel channel) {
      this.jobId = jobId;
      this.pod = pod;
      this.attempt = attempt;
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
      Ending ending = ending();
      long limit = ending == null || ending.end() < 0 ? Long.MAX_VALUE : ending.end();
      long least = Math.min(CHUNK_BYTES, streams.buffer());
      boolean drained = false;
      while (true) {
        long room = channel.room();
        if (room < least) {
          break; // the reader is behind: the file keeps the rest
        }
        int ask = (int) Math.min(Math.min(CHUNK_BYTES, room), limit - position);
        byte[] bytes =
            ask <= 0 ? new byte[0] : LogTail.readFrom(files.log(jobId, pod), position, ask);
        if (attempt > 0 && ending == null && bytes.length > 0) {
          // The attempt may have ended, and the next one written, since the question above: an
          // attempt's end is recorded before the next attempt writes a byte, so asking again
          // after the read bounds what was read.
          ending = ending();
          if (ending != null && ending.end() >= 0) {
            limit = ending.end();
            if (position + bytes.length > limit) {
              bytes = Arrays.copyOf(bytes, (int) Math.max(0, limit - position));
            }
          }
        }
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
      if (drained && ending != null) {
        Map<String, Object> end = new LinkedHashMap<>();
        end.put("status", ending.status() == null ? null : ending.status().name());
        end.put("offset", position);
        if (ending.attempt() > 0) {
          end.put("attempt", ending.attempt());
        }
        if (ending.status() == null) {
          end.put("reason", "the job was deleted");
        }
        channel.finish("end", json.writeValueAsBytes(end));
        return false;
      }
      return true;
    }

    /**
     * What ends the stream once it has read that far; null while it cannot end yet. Read before the
     * file: once the job (or the followed attempt) has ended, everything it wrote is there.
     */
    private Ending ending() {
      if (attempt > 0) {
        if (attemptEnding == null) {
          Optional<JobReader.AttemptPart> part = jobs.attemptPart(jobId, pod, attempt);
          if (part.isEmpty()) {
            return new Ending(-1, null, attempt);
          }
          if (part.get().ended()) {
            attemptEnding = new Ending(part.get().end(), part.get().outcome(), attempt);
          }
        }
        return attemptEnding;
      }
      Optional<JobStatus> status = jobs.status(jobId);
      if (status.isEmpty()) {
        return new Ending(-1, null, 0);
      }
      return status.get().isTerminal() ? new Ending(-1, status.get(), 0) : null;
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
