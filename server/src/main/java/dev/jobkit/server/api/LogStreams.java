package dev.jobkit.server.api;

import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.exec.LogTail;
import dev.jobkit.server.jobs.JobService;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Follows a pod's log over Server-Sent Events: {@code log} events carry what was appended (their id
 * is the byte offset after them, so a client resumes with {@code Last-Event-ID}), and an {@code
 * end} event carries the job's final status once it has ended and the log is drained.
 */
@Component
class LogStreams {

  private static final int CHUNK_BYTES = 64 * 1024;
  private static final long POLL_MILLIS = 100;

  private final JobService jobs;
  private final JobFiles files;
  private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService pollers =
      Executors.newScheduledThreadPool(2, DaemonThreads.named("jobkit-log-follow"));

  LogStreams(JobService jobs) {
    this.jobs = jobs;
    this.files = jobs.files();
  }

  SseEmitter follow(String jobId, int pod, long offset) {
    SseEmitter emitter = new SseEmitter(0L);
    open.add(emitter);
    try {
      // Commits the response now: without it a client sees no answer at all until the job
      // writes its first byte, which may be never.
      emitter.send(SseEmitter.event().comment("following job " + jobId + " pod " + pod));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    long[] position = {offset};
    AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
    Runnable poll =
        () -> {
          try {
            if (!pump(jobId, pod, position, emitter)) {
              ScheduledFuture<?> f = task.get();
              if (f != null) {
                f.cancel(false);
              }
            }
          } catch (IOException | IllegalStateException gone) {
            ScheduledFuture<?> f = task.get();
            if (f != null) {
              f.cancel(false);
            }
          }
        };
    task.set(pollers.scheduleWithFixedDelay(poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS));
    emitter.onCompletion(
        () -> {
          open.remove(emitter);
          task.get().cancel(false);
        });
    emitter.onError(
        e -> {
          open.remove(emitter);
          task.get().cancel(false);
        });
    return emitter;
  }

  /** Sends what is new; false once the stream has ended. */
  private boolean pump(String jobId, int pod, long[] position, SseEmitter emitter)
      throws IOException {
    // Read the status first: if it is terminal now, everything the job wrote is in the file.
    Optional<JobStatus> status = jobs.status(jobId);
    while (true) {
      byte[] bytes = LogTail.readFrom(files.log(jobId, pod), position[0], CHUNK_BYTES);
      int usable = completeUtf8Prefix(bytes);
      if (usable == 0) {
        break;
      }
      long start = position[0];
      position[0] += usable;
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("offset", start);
      data.put("text", new String(bytes, 0, usable, StandardCharsets.UTF_8));
      emitter.send(
          SseEmitter.event()
              .id(Long.toString(position[0]))
              .name("log")
              .data(data, MediaType.APPLICATION_JSON));
      if (bytes.length < CHUNK_BYTES) {
        break;
      }
    }
    if (status.isEmpty() || status.get().isTerminal()) {
      Map<String, Object> end = new LinkedHashMap<>();
      end.put("status", status.map(Enum::name).orElse(null));
      end.put("offset", position[0]);
      if (status.isEmpty()) {
        end.put("reason", "the job was deleted");
      }
      emitter.send(SseEmitter.event().name("end").data(end, MediaType.APPLICATION_JSON));
      emitter.complete();
      return false;
    }
    return true;
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

  /**
   * Ends every stream as soon as the service begins to stop: the web server's graceful shutdown
   * waits for open requests, and the log of a job that is still running never ends on its own.
   */
  @EventListener(ContextClosedEvent.class)
  void endStreams() {
    for (SseEmitter emitter : open) {
      open.remove(emitter);
      emitter.complete();
    }
  }

  @PreDestroy
  void close() {
    pollers.shutdownNow();
  }
}
