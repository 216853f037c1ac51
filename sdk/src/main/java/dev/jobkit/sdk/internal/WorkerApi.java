package dev.jobkit.sdk.internal;

import dev.jobkit.sdk.workers.HeartbeatAnswer;
import dev.jobkit.sdk.workers.Worker;
import feign.Headers;
import feign.Param;
import feign.RequestLine;

/** The worker protocol of the HTTP API v1 ({@code /api/v1/internal/…}), as Feign calls it. */
@Headers({"Accept: application/json", "Content-Type: application/json"})
public interface WorkerApi {

  @RequestLine("POST /api/v1/internal/workers")
  Worker register(WorkerBodies.Registration body);

  @RequestLine("GET /api/v1/internal/workers")
  Items<Worker> workers();

  @RequestLine("POST /api/v1/internal/workers/{id}/heartbeat")
  HeartbeatAnswer heartbeat(@Param("id") String workerId, WorkerBodies.Heartbeat body);

  @RequestLine("DELETE /api/v1/internal/workers/{id}")
  void deregister(@Param("id") String workerId);

  @RequestLine("POST /api/v1/internal/jobs/claim")
  WorkerBodies.Claimed claim(WorkerBodies.Claim body);

  @RequestLine("POST /api/v1/internal/jobs/{id}/acknowledge")
  void acknowledge(@Param("id") String jobId, WorkerBodies.WorkerRef body);

  @RequestLine("POST /api/v1/internal/jobs/{id}/transition")
  void transition(@Param("id") String jobId, WorkerBodies.Transition body);

  /** Appends {@code bytes} (sent as they are, see {@link BodyEncoder}) at {@code offset}. */
  @RequestLine("POST /api/v1/internal/jobs/{id}/pods/{pod}/log?worker_id={worker}&offset={offset}")
  @Headers("Content-Type: application/octet-stream")
  WorkerBodies.LogSize appendLog(
      @Param("id") String jobId,
      @Param("pod") int pod,
      @Param("worker") String workerId,
      @Param("offset") long offset,
      byte[] bytes);

  @RequestLine("POST /api/v1/internal/jobs/{id}/complete")
  void complete(@Param("id") String jobId, WorkerBodies.Completion body);

  @RequestLine("POST /api/v1/internal/jobs/{id}/fail")
  void fail(@Param("id") String jobId, WorkerBodies.Failure body);
}
