package dev.jobkit.server.workers;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The bodies of the worker protocol (docs/workers.md), in and out, snake_case on the wire. */
final class WorkerMessages {

  private WorkerMessages() {}

  /** {@code POST /api/v1/internal/workers}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record WorkerRegistration(String name, Integer slots, List<String> apps, String host) {}

  /** A registered worker; {@code ended_at} and {@code ended_why} once it has ended. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Worker(
      String id,
      String name,
      String registeredBy,
      int slots,
      List<String> apps,
      String host,
      Instant registeredAt,
      Instant lastHeartbeatAt,
      Instant expiresAt,
      Instant endedAt,
      String endedWhy,
      double claimTtlSeconds,
      double heartbeatIntervalSeconds) {}

  /** The live workers. */
  record WorkerList(List<Worker> items) {}

  /** A heartbeat's body: what the worker's running jobs report (optional). */
  record WorkerHeartbeat(List<WorkerJobReport> jobs) {}

  /**
   * One running job's report: {@code progress} a number (percent) or {@code {"percent",
   * "message"}}, {@code metrics} an object of numbers, as the job's report files hold them.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record WorkerJobReport(String jobId, Object progress, Map<String, Object> metrics) {}

  /** What a heartbeat answers: until when the claims last, and the jobs to stop. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record HeartbeatAnswer(Instant expiresAt, List<String> cancel) {}

  /** {@code POST /api/v1/internal/jobs/claim}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record ClaimRequest(String workerId, Integer maxJobs, List<String> apps) {}

  /** The jobs claimed, in the queue's order. */
  record ClaimAnswer(List<ClaimedJob> jobs) {}

  /**
   * A claimed job, with what a worker needs to run it: its attempt's number and job token, and
   * where each pod's log stands (the first offset of this attempt's log appends).
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record ClaimedJob(
      String jobId,
      int attempt,
      int maxAttempts,
      String owner,
      List<String> command,
      String shell,
      Map<String, String> env,
      int podCount,
      Integer timeoutSeconds,
      String app,
      Integer appVersion,
      Map<String, Object> parameters,
      String token,
      List<Long> logOffsets) {}

  /** The worker a request acts as ({@code acknowledge}). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record WorkerRef(String workerId) {}

  /** {@code transition}: the phase entered; {@code pids} (one per pod) with {@code RUNNING}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record WorkerTransition(String workerId, String to, String reason, List<Long> pids) {}

  /** {@code complete}: each pod's exit code; {@code result} kept as {@code result.json}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record WorkerCompletion(
      String workerId, List<Integer> exitCodes, Object result, Map<String, Object> metrics) {}

  /** {@code fail}: the kind of failure, a sentence, and details (an object) for the event. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record WorkerFailure(
      String workerId,
      String kind,
      String message,
      Map<String, Object> details,
      Integer exitCode) {}

  /** A job after a report: its status and attempt. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record WorkerJobState(String jobId, JobStatus status, int attempt) {}

  /** A log append: the log's size now, and whether it was cut at its limit. */
  record LogAppendAnswer(long size, boolean cut) {}

  /** A result file stored: its path under the output dir and its size. */
  record ResultFileAnswer(String path, long size) {}
}
