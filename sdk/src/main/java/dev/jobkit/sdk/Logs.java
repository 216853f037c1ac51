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
 * The log of one pod of a job (pod 0 unless {@link #pod} says otherwise), or of one attempt's part
 * of it ({@link #attempt}): every attempt of a job appends to the same log.
 *
 * <pre>{@code
 * System.out.print(client.jobs().logs(id).tail().content());
 * try (Logs.Follow follow = client.jobs().logs(id).follow(System.out::print)) {
 *   follow.awaitEnd(Duration.ofMinutes(5)); // the job's final status
 * }
 * // what the first attempt wrote, as kubectl logs --previous shows a restarted container's
 * System.out.print(client.jobs().logs(id).attempt(1).tail().content());
 * }</pre>
 */
public final class Logs {

  /** The most characters a tail may ask for. */
  public static final int MAX_TAIL_CHARS = 20_000;

  private final JobkitClient client;
  private final String jobId;
  private final int pod;
  private final Integer attempt; // null: the whole log

  Logs(JobkitClient client, String jobId, int pod) {
    this(client, jobId, pod, null);
  }

  private Logs(JobkitClient client, String jobId, int pod, Integer attempt) {
    this.client = client;
    this.jobId = jobId;
    this.pod = pod;
    this.attempt = attempt;
  }

  /**
   * The log of another pod of the same job (of the same attempt, if one was chosen).
   *
   * @param index the pod's index, from 0 to the job's pod count less one
   * @return the log of that pod; nothing is read until it is tailed or followed
   */
  public Logs pod(int index) {
    return new Logs(client, jobId, index, attempt);
  }

  /**
   * Only what one attempt of the job wrote: its part of the pod's log, from its line {@code
   * [jobkit] attempt N of M started at …} (none for the first) to where the next attempt starts.
   * {@link #tail} reads the end of that part; {@link #follow} streams it from its start (or from an
   * offset within it) and ends when the attempt has ended and its part is delivered, at once for an
   * attempt before the last.
   *
   * <pre>{@code
   * Job job = client.jobs().get(id);
   * if (job.attempt() > 1) { // the one before the current or last attempt
   *   System.out.print(client.jobs().logs(id).attempt(job.attempt() - 1).tail().content());
   * }
   * }</pre>
   *
   * <p>The service answers a number below 1 or above the job's {@link
   * dev.jobkit.sdk.jobs.Job#attempt() attempt} count with a {@link ValidationException} naming
   * {@code attempt}, and an attempt the job ran before the service recorded where attempts start
   * with a {@link ConflictException}.
   *
   * @param number the attempt, from 1 to the job's attempt count
   * @return the log of that attempt of this pod; nothing is read until it is tailed or followed
   */
  public Logs attempt(int number) {
    return new Logs(client, jobId, pod, number);
  }

  /**
   * The end of the log (or of the attempt's part), as much of it as a tail may hold.
   *
   * @return the last {@value #MAX_TAIL_CHARS} characters; empty before the first line
   * @throws NotFoundException if the job is not there, or not visible to this key
   * @throws ValidationException if the job has no such pod or {@linkplain #attempt attempt}
   */
  public LogTail tail() {
    return tail(MAX_TAIL_CHARS);
  }

  /**
   * The end of the log, read from the end of the file, so a long log costs no more than a short
   * one.
   *
   * @param chars how many characters, 1 to {@value #MAX_TAIL_CHARS}
   * @return the last {@code chars} characters (of the attempt's part, if one was chosen), with
   *     where they end to {@linkplain #follow(long, Consumer) follow} from
   * @throws NotFoundException if the job is not there, or not visible to this key
   * @throws ValidationException if {@code chars} is out of range, or the job has no such pod or
   *     {@linkplain #attempt attempt}
   * @throws ConflictException if the attempt ran before the service recorded where attempts start
   */
  public LogTail tail(int chars) {
    return client.calls().run(() -> client.api().log(jobId, pod, chars, attempt));
  }

  /**
   * Streams the log from its beginning to {@code onText} until the job ends; for an {@linkplain
   * #attempt attempt}, its part from its start until the attempt has ended.
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
   * <p>For an {@linkplain #attempt attempt}, offsets are still the whole log's; one before the
   * attempt's part starts at the part's start, and the follow ends once the attempt has ended and
   * its part is delivered (an offset past the end of an ended attempt's part fails with a {@link
   * ValidationException}).
   *
   * @param offset the byte to start at; 0 for the beginning (of the attempt's part)
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
              + pod
              + (attempt == null ? "" : "&attempt=" + attempt);
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
     * Waits for the job (for an {@linkplain Logs#attempt attempt}: that attempt) to end and its log
     * to be delivered.
     *
     * @param timeout how long to wait at most
     * @return the job's final status (for an attempt: how that attempt ended, as its {@link
     *     dev.jobkit.sdk.jobs.Attempt#outcome outcome}: {@code SUCCEEDED}, {@code RUN_ERROR},
     *     {@code RUN_TIMEOUT} or {@code CANCELED}), or empty if the job was deleted meanwhile
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
