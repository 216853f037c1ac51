package dev.jobkit.sdk;

import dev.jobkit.sdk.internal.Json;
import dev.jobkit.sdk.internal.WorkerApi;
import dev.jobkit.sdk.internal.WorkerBodies;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.workers.ClaimedJob;
import dev.jobkit.sdk.workers.ErrorKind;
import dev.jobkit.sdk.workers.HeartbeatAnswer;
import dev.jobkit.sdk.workers.JobReport;
import dev.jobkit.sdk.workers.Worker;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The worker protocol ({@code /api/v1/internal/…}): what a worker written in Java calls to claim
 * jobs, run them elsewhere and report back. Only keys of role {@code worker} (and admins) may call
 * it; docs/workers.md is the contract.
 *
 * <pre>{@code
 * WorkerProtocol internal = client.internal();
 * Worker me = internal.register("gpu-box-1", 4, List.of(), "gpu-box-1.example.com");
 * for (ClaimedJob job : internal.claim(me.id(), 4, List.of())) {
 *   internal.acknowledge(job.jobId(), me.id());
 *   // start it, then:
 *   internal.transition(job.jobId(), me.id(), JobStatus.RUNNING, null, List.of(4242L));
 * }
 * }</pre>
 *
 * <p>What the SDK retries: reads, heartbeats, a log append at an offset and a result's upload from
 * a file, which give the same outcome when they arrive twice. Registering, claiming, acknowledging,
 * transitions, completing, failing and deregistering go out once: a lost answer would make a blind
 * retry claim more jobs, or be refused as a move from a state the job has left. A caller that
 * retries them on its own terms (as {@code jobkit worker} does) must expect that.
 */
public final class WorkerProtocol {

  private static final int MAX_PROBLEM = 256 * 1024;

  private final JobkitClient client;
  private final WorkerApi api;
  private final Calls calls;

  WorkerProtocol(JobkitClient client, WorkerApi api, Calls calls) {
    this.client = client;
    this.api = api;
    this.calls = calls;
  }

  /**
   * Registers a worker. Not retried: a lost answer would make the retry a second worker (the first
   * expires unused after the claim TTL).
   *
   * @param name its name, such as its host's
   * @param slots how many pods it runs at once, at least 1
   * @param apps the apps it runs jobs of; null or empty for any
   * @param host the machine it runs on, or null
   * @return the worker, with its id, claim TTL and heartbeat interval
   * @throws ValidationException naming the field that is not valid
   * @throws ForbiddenException if the key is neither a worker's nor an admin's
   */
  public Worker register(String name, int slots, List<String> apps, String host) {
    return calls.once(
        () -> api.register(new WorkerBodies.Registration(name, slots, emptyAsNull(apps), host)));
  }

  /**
   * The live workers: every one for an admin, the caller's own for a worker key.
   *
   * @return the workers; empty when there are none
   * @throws ForbiddenException if the key is neither a worker's nor an admin's
   */
  public List<Worker> workers() {
    return calls.run(api::workers).items();
  }

  /**
   * Renews every claim of the worker and reports its running jobs' progress and metrics. Retried: a
   * heartbeat that arrives twice renews twice.
   *
   * @param workerId the worker
   * @param reports what each running job reported; empty for none
   * @return when the claims lapse now, and the jobs that were stopped
   * @throws WorkerExpiredException if the worker's claims lapsed already: it must kill what it
   *     still runs and register anew
   * @throws ForbiddenException if the key did not register this worker
   */
  public HeartbeatAnswer heartbeat(String workerId, List<JobReport> reports) {
    List<JobReport> jobs = reports == null ? List.of() : List.copyOf(reports);
    return calls.run(() -> api.heartbeat(workerId, new WorkerBodies.Heartbeat(jobs)));
  }

  /**
   * Deregisters a worker: its claims are released at once, as if they had expired. Not retried.
   *
   * @param workerId the worker
   * @throws WorkerExpiredException if it had expired already
   * @throws ForbiddenException if the key did not register this worker
   */
  public void deregister(String workerId) {
    calls.once(
        () -> {
          api.deregister(workerId);
          return null;
        });
  }

  /**
   * Claims up to {@code maxJobs} queued jobs, in the queue's order and within each owner's limit.
   * Not retried: a retry after a lost answer would claim more jobs (those of the lost answer go
   * back to the queue once they have been neither acknowledged nor moved on for the claim TTL).
   *
   * @param workerId the worker
   * @param maxJobs the most jobs to claim, 1 to 100
   * @param apps only jobs of these apps; null or empty for the worker's own choice at registration
   * @return the claimed jobs; empty when nothing is claimable
   * @throws ValidationException naming {@code max_jobs} when it is out of range
   * @throws WorkerExpiredException if the worker's claims lapsed
   */
  public List<ClaimedJob> claim(String workerId, int maxJobs, List<String> apps) {
    return calls
        .once(() -> api.claim(new WorkerBodies.Claim(workerId, maxJobs, emptyAsNull(apps))))
        .jobs();
  }

  /**
   * Tells the service that the worker has a claimed job and will run it. Not retried.
   *
   * @param jobId the job
   * @param workerId the worker that claimed it
   * @throws NotClaimOwnerException if another worker claimed it
   * @throws InvalidStateException if the job moved on (stopped by its owner, say): drop it
   * @throws WorkerExpiredException if the worker's claims lapsed
   */
  public void acknowledge(String jobId, String workerId) {
    calls.once(
        () -> {
          api.acknowledge(jobId, new WorkerBodies.WorkerRef(workerId));
          return null;
        });
  }

  /**
   * Moves a claimed job on: {@code STAGED_IN}, {@code PREPROCESSED}, {@code RUNNING} (with its
   * pods' pids), {@code RUN_DONE}, {@code POSTPROCESSED} or {@code STAGED_OUT}. Not retried.
   *
   * @param jobId the job
   * @param workerId the worker that claimed it
   * @param to the state it enters
   * @param reason why, in a sentence, or null
   * @param pids the pods' process ids, for {@code RUNNING}; null or empty otherwise
   * @throws NotClaimOwnerException if another worker claimed it
   * @throws InvalidStateException if the job cannot enter {@code to} from where it is
   * @throws WorkerExpiredException if the worker's claims lapsed
   */
  public void transition(
      String jobId, String workerId, JobStatus to, String reason, List<Long> pids) {
    Objects.requireNonNull(to, "to");
    List<Long> sent = pids == null || pids.isEmpty() ? null : List.copyOf(pids);
    calls.once(
        () -> {
          api.transition(jobId, new WorkerBodies.Transition(workerId, to, reason, sent));
          return null;
        });
  }

  /**
   * Appends bytes to a pod's log at byte {@code offset}. Retried: the same bytes at the same offset
   * are written once, so a lost answer costs nothing.
   *
   * <p>Bytes before the log's end are taken as sent already and skipped, so an empty append at
   * offset 0 changes nothing and answers the log's size.
   *
   * @param jobId the job
   * @param workerId the worker that claimed it
   * @param pod the pod's index, from 0
   * @param offset where the bytes go: the log's size as the service last said (a claimed job's
   *     {@link ClaimedJob#logOffsets()} at first)
   * @param bytes the bytes, as the pod wrote them
   * @return the log's size after the append
   * @throws ConflictException ({@code log_gap}) if the offset is past the log's end
   * @throws NotClaimOwnerException if another worker claimed the job
   * @throws WorkerExpiredException if the worker's claims lapsed
   */
  public long appendLog(String jobId, String workerId, int pod, long offset, byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return calls.run(() -> api.appendLog(jobId, pod, workerId, offset, bytes)).size();
  }

  /**
   * Stores one result file of the job under its output dir, streamed from {@code file}. Retried: a
   * second upload of the same file replaces the first.
   *
   * @param jobId the job
   * @param workerId the worker that claimed it
   * @param path where it goes, relative to the output dir, {@code /}-separated ({@code
   *     model/weights.bin})
   * @param file the file to send
   * @throws ValidationException naming {@code path} when it is not a relative path in the output
   *     dir
   * @throws NotClaimOwnerException if another worker claimed the job
   * @throws UncheckedIOException if the file cannot be read
   */
  public void putResult(String jobId, String workerId, String path, Path file) {
    Objects.requireNonNull(file, "file");
    calls.run(
        () ->
            put(
                jobId,
                workerId,
                path,
                () -> {
                  try {
                    return HttpRequest.BodyPublishers.ofFile(file);
                  } catch (FileNotFoundException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                  }
                }));
  }

  /**
   * Stores one result file of the job, streamed from {@code content} until its end, as {@link
   * #putResult(String, String, String, Path)} does, but not retried (the stream cannot be read
   * twice). The stream is left open.
   *
   * @param jobId the job
   * @param workerId the worker that claimed it
   * @param path where it goes, relative to the output dir, {@code /}-separated
   * @param content the file's bytes
   * @throws ValidationException naming {@code path} when it is not a relative path in the output
   *     dir
   * @throws NotClaimOwnerException if another worker claimed the job
   */
  public void putResult(String jobId, String workerId, String path, InputStream content) {
    Objects.requireNonNull(content, "content");
    calls.once(
        () ->
            put(
                jobId,
                workerId,
                path,
                () -> HttpRequest.BodyPublishers.ofInputStream(() -> new KeptOpen(content))));
  }

  /**
   * Reports that the attempt ended on its own: all exit codes 0 make the job {@code SUCCEEDED},
   * else {@code RUN_ERROR} (retried while attempts remain); a job that was stopped becomes {@code
   * CANCELED}. Not retried.
   *
   * @param jobId the job
   * @param workerId the worker that claimed it
   * @param exitCodes each pod's exit code, by pod index
   * @param result what the job made, as JSON, or null
   * @param metrics its final metrics, or null
   * @throws NotClaimOwnerException if another worker claimed it
   * @throws InvalidStateException if the job moved on meanwhile
   * @throws WorkerExpiredException if the worker's claims lapsed
   */
  public void complete(
      String jobId,
      String workerId,
      List<Integer> exitCodes,
      Map<String, Object> result,
      Map<String, Double> metrics) {
    List<Integer> codes = List.copyOf(Objects.requireNonNull(exitCodes, "exitCodes"));
    calls.once(
        () -> {
          api.complete(
              jobId,
              new WorkerBodies.Completion(
                  workerId, codes, result, metrics == null || metrics.isEmpty() ? null : metrics));
          return null;
        });
  }

  /**
   * Reports that the attempt failed for the reason {@code kind} names; the job's {@code last_error}
   * becomes {@code <kind>: <message>}. Not retried.
   *
   * @param jobId the job
   * @param workerId the worker that claimed it
   * @param kind why, which decides what the service does next (see {@link ErrorKind})
   * @param message what happened, in a sentence
   * @param details more of it as JSON, kept in the job's event, or null
   * @param exitCode the exit code, when a process ended with one; else null
   * @throws NotClaimOwnerException if another worker claimed it
   * @throws InvalidStateException if the job moved on meanwhile
   * @throws WorkerExpiredException if the worker's claims lapsed
   */
  public void fail(
      String jobId,
      String workerId,
      ErrorKind kind,
      String message,
      Map<String, Object> details,
      Integer exitCode) {
    Objects.requireNonNull(kind, "kind");
    calls.once(
        () -> {
          api.fail(jobId, new WorkerBodies.Failure(workerId, kind, message, details, exitCode));
          return null;
        });
  }

  private static List<String> emptyAsNull(List<String> apps) {
    return apps == null || apps.isEmpty() ? null : List.copyOf(apps);
  }

  /** {@code PUT} of one result file, with the body {@code body} makes afresh for each attempt. */
  private Void put(
      String jobId, String workerId, String path, Supplier<HttpRequest.BodyPublisher> body) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(workerId, "workerId");
    URI uri =
        URI.create(
            client.baseUrl()
                + "/api/v1/internal/jobs/"
                + URLEncoder.encode(jobId, StandardCharsets.UTF_8)
                + "/results/"
                + encodePath(path)
                + "?worker_id="
                + URLEncoder.encode(workerId, StandardCharsets.UTF_8));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .header("User-Agent", client.userAgent())
            .header("Content-Type", "application/octet-stream")
            .header("Accept", "application/json")
            .PUT(body.get());
    if (client.apiKey() != null) {
      request.header("Authorization", "Bearer " + client.apiKey());
    }
    HttpResponse<InputStream> response;
    try {
      response = client.http().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      if (e.getCause() instanceof UncheckedIOException unreadable) {
        throw unreadable;
      }
      throw new TransportException(
          "cannot reach the Jobkit service at " + client.baseUrl() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException("interrupted while sending to " + uri, e);
    }
    try (InputStream answer = response.body()) {
      if (response.statusCode() / 100 == 2) {
        answer.transferTo(java.io.OutputStream.nullOutputStream());
        return null;
      }
      Problem problem;
      String owner = null;
      try {
        var document = Json.MAPPER.readTree(answer.readNBytes(MAX_PROBLEM));
        problem = Json.MAPPER.treeToValue(document, Problem.class);
        var ownerNode = document.get("owner_worker_id");
        owner = ownerNode != null && ownerNode.isString() ? ownerNode.asString() : null;
      } catch (RuntimeException notAProblem) {
        problem =
            new Problem(
                null, null, response.statusCode(), null, null, null, null, null, null, null);
      }
      throw ProblemDecoder.toException(
          response.statusCode(),
          problem,
          response.headers().firstValue("X-Request-Id").orElse(null),
          response.headers().firstValue("Retry-After").orElse(null),
          owner);
    } catch (IOException e) {
      throw new TransportException("the answer of " + uri + " broke off: " + e.getMessage(), e);
    }
  }

  /** A result's path with each segment percent-encoded, the slashes kept. */
  static String encodePath(String path) {
    StringBuilder encoded = new StringBuilder();
    for (String segment : path.split("/", -1)) {
      if (!encoded.isEmpty()) {
        encoded.append('/');
      }
      encoded.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return encoded.toString();
  }

  /** The caller's stream, which the HTTP client closes at the end of the body: left open. */
  private static final class KeptOpen extends java.io.FilterInputStream {
    KeptOpen(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
