package dev.jobkit.sdk;

import dev.jobkit.sdk.internal.Json;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The log of one pod of a job (pod 0 unless {@link #pod} says otherwise).
 *
 * <pre>{@code
 * System.out.print(client.jobs().logs(id).tail().content());
 * try (Logs.Follow follow = client.jobs().logs(id).follow(System.out::print)) {
 *   follow.awaitEnd(Duration.ofMinutes(5)); // the job's final status
 * }
 * }</pre>
 */
public final class Logs {

  /** The most characters a tail may ask for. */
  public static final int MAX_TAIL_CHARS = 20_000;

  private final JobkitClient client;
  private final String jobId;
  private final int pod;

  Logs(JobkitClient client, String jobId, int pod) {
    this.client = client;
    this.jobId = jobId;
    this.pod = pod;
  }

  /**
   * The log of another pod of the same job.
   *
   * @param index the pod's index, from 0 to the job's pod count less one
   * @return the log of that pod; nothing is read until it is tailed or followed
   */
  public Logs pod(int index) {
    return new Logs(client, jobId, index);
  }

  /**
   * The end of the log, as much of it as a tail may hold.
   *
   * @return the last {@value #MAX_TAIL_CHARS} characters; empty before the first line
   * @throws NotFoundException if the job is not there, or not visible to this key
   */
  public LogTail tail() {
    return tail(MAX_TAIL_CHARS);
  }

  /**
   * The end of the log, read from the end of the file, so a long log costs no more than a short
   * one.
   *
   * @param chars how many characters, 1 to {@value #MAX_TAIL_CHARS}
   * @return the last {@code chars} characters, with the log's size to {@linkplain #follow(long,
   *     Consumer) follow} it from
   * @throws NotFoundException if the job is not there, or not visible to this key
   * @throws ValidationException if {@code chars} is out of range
   */
  public LogTail tail(int chars) {
    return client.calls().run(() -> client.api().log(jobId, pod, chars));
  }

  /**
   * Streams the log from its beginning to {@code onText} until the job ends.
   *
   * @param onText given each piece of text as it arrives, on a background thread
   * @return the running follow; close it to stop early
   */
  public Follow follow(Consumer<String> onText) {
    return follow(0, onText);
  }

  /**
   * Streams the log from byte {@code offset} (a tail's {@code size_bytes} continues after it) to
   * {@code onText}, on a background thread, until the job has ended and the log is drained. A
   * dropped connection resumes where it stopped.
   *
   * @param offset the byte to start at; 0 for the beginning
   * @param onText given each piece of text as it arrives, on a background thread
   * @return the running follow; close it to stop early
   */
  public Follow follow(long offset, Consumer<String> onText) {
    return new Follow(offset, onText);
  }

  /** A running log follow. */
  public final class Follow implements AutoCloseable {
    private final CompletableFuture<Optional<JobStatus>> end = new CompletableFuture<>();
    private final EventSource source;

    private Follow(long offset, Consumer<String> onText) {
      String base =
          client.baseUrl()
              + "/api/v1/jobs/"
              + URLEncoder.encode(jobId, StandardCharsets.UTF_8)
              + "/log/stream?pod="
              + pod;
      this.source =
          new EventSource(
              client,
              lastId ->
                  URI.create(
                      base + "&offset=" + (lastId == null ? offset : Long.parseLong(lastId))),
              null,
              event -> {
                JsonNode data = Json.MAPPER.readTree(event.data());
                if ("log".equals(event.name())) {
                  onText.accept(data.get("text").asString());
                  return EventSource.Next.CONTINUE;
                }
                if ("end".equals(event.name())) {
                  JsonNode status = data.get("status");
                  end.complete(
                      status == null || status.isNull()
                          ? Optional.empty()
                          : Optional.of(JobStatus.valueOf(status.asString())));
                  return EventSource.Next.STOP;
                }
                return EventSource.Next.CONTINUE;
              },
              end::completeExceptionally);
    }

    /**
     * Waits for the job to end and its log to be delivered.
     *
     * @param timeout how long to wait at most
     * @return the job's final status, or empty if the job was deleted meanwhile
     * @throws JobkitException if it did not end in time, the follow failed, or the thread was
     *     interrupted (its interrupt flag stays set)
     */
    public Optional<JobStatus> awaitEnd(Duration timeout) {
      try {
        return end.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new JobkitException("job " + jobId + " did not end within " + timeout, e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof JobkitException j
            ? j
            : new JobkitException("following the log failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JobkitException("interrupted while following the log", e);
      }
    }

    @Override
    public void close() {
      source.close();
    }
  }
}
