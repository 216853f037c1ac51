package dev.jobkit.sdk.internal;

import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.AppSpec;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobDeletion;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobPage;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.users.ApiKey;
import dev.jobkit.sdk.users.NewUser;
import dev.jobkit.sdk.users.User;
import feign.Headers;
import feign.Param;
import feign.QueryMap;
import feign.RequestLine;
import java.util.List;
import java.util.Map;

/** The HTTP API v1, as Feign calls it. */
@Headers({"Accept: application/json", "Content-Type: application/json"})
public interface JobApi {

  @RequestLine("POST /api/v1/jobs")
  @Headers("Idempotency-Key: {key}")
  Job submit(@Param("key") String idempotencyKey, JobSpec spec);

  @RequestLine("POST /api/v1/jobs/batch")
  JobList submitBatch(JobBatch batch);

  @RequestLine("GET /api/v1/jobs/{id}")
  Job get(@Param("id") String id);

  @RequestLine("GET /api/v1/jobs/{id}/results")
  dev.jobkit.sdk.jobs.ResultManifest results(@Param("id") String id);

  @RequestLine("GET /api/v1/jobs")
  JobPage list(@QueryMap Map<String, Object> query);

  /**
   * The export in {@code format} ({@code query} holds the list's filters), streamed: the caller
   * closes the answer and maps an error status itself (Feign hands a {@link feign.Response} back
   * without its error decoder).
   */
  @RequestLine("GET /api/v1/jobs/export?format={format}")
  @Headers("Accept: text/csv, application/json, application/problem+json")
  feign.Response export(@Param("format") String format, @QueryMap Map<String, Object> query);

  /** The statistics; {@code query} holds from, to, group_by, owner and app. */
  @RequestLine("GET /api/v1/stats")
  dev.jobkit.sdk.jobs.JobStats stats(@QueryMap Map<String, Object> query);

  @RequestLine("PATCH /api/v1/jobs/{id}")
  Job update(@Param("id") String id, JobUpdate update);

  /**
   * Stops the job only while it is in {@code expectedStatus} (409 {@code invalid_state} otherwise);
   * a null {@code expectedStatus} leaves the parameter out.
   */
  @RequestLine("POST /api/v1/jobs/{id}/stop?expected_status={expected}")
  Job stop(@Param("id") String id, @Param("expected") String expectedStatus);

  /** Asks for a single-use web terminal into one running pod of the job. */
  @RequestLine("POST /api/v1/jobs/{id}/pods/{pod}/terminal")
  dev.jobkit.sdk.jobs.TerminalUrl terminal(@Param("id") String id, @Param("pod") int pod);

  /**
   * Deletes the job only while it is in {@code expectedStatus}, as {@link #stop} does; what went
   * with it.
   */
  @RequestLine("DELETE /api/v1/jobs/{id}?purge_artifacts={purge}&expected_status={expected}")
  JobDeletion delete(
      @Param("id") String id,
      @Param("purge") boolean purgeArtifacts,
      @Param("expected") String expectedStatus);

  /**
   * A flush's dry run (with {@code dryRun} true: a read); {@code query} holds {@code owner=NAME} to
   * flush one user's jobs and {@code snapshot=} to bind it to an earlier dry run, or nothing.
   */
  @RequestLine(
      "POST /api/v1/jobs/flush?scope={scope}&purge_artifacts={purge}&force={force}&dry_run={dryRun}")
  FlushResult flush(
      @Param("scope") String scope,
      @Param("purge") boolean purgeArtifacts,
      @Param("force") boolean force,
      @Param("dryRun") boolean dryRun,
      @QueryMap Map<String, Object> query);

  /**
   * Starts a flush in the background: the service answers 202 with its operation, or 200 with the
   * operation an earlier request with the same {@code idempotencyKey} started. {@code query} as for
   * {@link #flush}.
   */
  @RequestLine(
      "POST /api/v1/jobs/flush?scope={scope}&purge_artifacts={purge}&force={force}&dry_run=false")
  @Headers("Idempotency-Key: {key}")
  FlushOperation startFlush(
      @Param("key") String idempotencyKey,
      @Param("scope") String scope,
      @Param("purge") boolean purgeArtifacts,
      @Param("force") boolean force,
      @QueryMap Map<String, Object> query);

  /**
   * A flush operation; with {@code wait} ({@code 20s}, {@code 500ms}; null for none), once it has
   * ended or that long has passed.
   */
  @RequestLine("GET /api/v1/operations/{id}?wait={wait}")
  FlushOperation operation(@Param("id") String id, @Param("wait") String wait);

  /** The tail of a pod's log; {@code attempt} null for the whole log, not just one attempt's. */
  @RequestLine("GET /api/v1/jobs/{id}/log?pod={pod}&tail_chars={chars}&attempt={attempt}")
  LogTail log(
      @Param("id") String id,
      @Param("pod") int pod,
      @Param("chars") int tailChars,
      @Param("attempt") Integer attempt);

  @RequestLine("GET /api/v1/jobs/{id}/events")
  List<JobEvent> events(@Param("id") String id);

  @RequestLine("GET /api/v1/me")
  User me();

  @RequestLine("GET /api/v1/users")
  List<User> users();

  @RequestLine("POST /api/v1/users")
  User createUser(NewUser user);

  @RequestLine("POST /api/v1/users/{name}/keys")
  ApiKey createKey(@Param("name") String name);

  @RequestLine("PUT /api/v1/users/{name}/scheduling")
  User setScheduling(@Param("name") String name, SchedulingUpdate update);

  @RequestLine("GET /api/v1/apps")
  AppList apps();

  /** The latest version of the app, or {@code version} (null leaves the parameter out). */
  @RequestLine("GET /api/v1/apps/{name}?version={version}")
  App app(@Param("name") String name, @Param("version") Integer version);

  @RequestLine("GET /api/v1/apps/{name}/versions")
  AppList appVersions(@Param("name") String name);

  @RequestLine("PUT /api/v1/apps/{name}")
  App putApp(@Param("name") String name, AppSpec spec);

  @RequestLine("DELETE /api/v1/apps/{name}")
  void deleteApp(@Param("name") String name);
}
