package dev.jobkit.server.api;

import dev.jobkit.sdk.Problem;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * Adds to every operation the problem documents ({@code application/problem+json}, the SDK's {@link
 * Problem}) it can answer with. Every operation can answer 400, 401, 403 (to a share token, which
 * reads one job only), 404 and 500; one with a body 413 and 415; the routes of {@link #BY_ROUTE}
 * also 403, 409 or 429, saying when.
 *
 * <p>The problems come from services and interceptors the document generator cannot follow, so the
 * routes that can refuse a caller (403) or conflict (409) are listed here; OpenApiIT fails when a
 * route of this table is not in the document any more.
 */
class ProblemResponses implements OpenApiCustomizer {

  static final String PROBLEM_JSON =
      org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

  private static final String FORBIDDEN_JOB =
      "forbidden: the job is someone else's; only its owner or an admin may change it";
  private static final String FORBIDDEN_ADMIN = "forbidden: only an admin may manage users";
  private static final String FORBIDDEN_APPS =
      "forbidden: only an admin may put or delete apps; every user may read them";
  private static final String FORBIDDEN_SHARE =
      "forbidden: the job is someone else's; only its owner or an admin may share it, list or"
          + " revoke its shares";
  private static final String INVALID_STATE =
      "invalid_state: not allowed in the job's status, or the job is no longer in"
          + " expected_status; carries current_status and allowed_statuses";

  private static final String TOO_MANY_STREAMS =
      "rate_limited: the caller has jobkit.api.max-streams-per-user streams open; Retry-After"
          + " says when to try again";
  private static final String QUEUE_FULL =
      "rate_limited: you would have more jobs waiting to start than"
          + " jobkit.limits.max-queued-jobs-per-user; nothing was submitted; carries limit,"
          + " waiting_jobs, submitted_jobs and setting";

  private static final String RESULTS_EXPIRED =
      "results_expired: retention (jobkit.retention.*) removed the job's results and logs;"
          + " carries job_id and expired_at";

  /** Extra problems of the public API's routes. */
  private static final Map<String, Map<Integer, String>> API_ROUTES =
      Map.ofEntries(
          Map.entry(
              "POST /api/v1/jobs",
              Map.of(
                  409,
                  "conflict: the Idempotency-Key was used before with a different body",
                  429,
                  QUEUE_FULL)),
          Map.entry("POST /api/v1/jobs/batch", Map.of(429, QUEUE_FULL)),
          Map.entry("PATCH /api/v1/jobs/{id}", Map.of(403, FORBIDDEN_JOB)),
          Map.entry(
              "POST /api/v1/jobs/{id}/pods/{pod}/terminal",
              Map.of(
                  403,
                  "forbidden: the job is someone else's; only its owner or an admin may open a"
                      + " terminal into it",
                  409,
                  INVALID_STATE
                      + " (the job is not RUNNING); or conflict: the pod is not run by this"
                      + " service's own executor (an external worker, a Slurm executor or another"
                      + " service on a shared database runs it; reason pod_not_local)",
                  501,
                  "not_implemented: this machine cannot start a terminal (a C library without"
                      + " posix_spawn_file_actions_addclosefrom_np, glibc older than 2.34)")),
          Map.entry(
              "POST /api/v1/jobs/{id}/stop",
              Map.of(403, FORBIDDEN_JOB, 409, INVALID_STATE + " (the job has ended)")),
          Map.entry(
              "POST /api/v1/jobs/{id}/cancel",
              Map.of(403, FORBIDDEN_JOB, 409, INVALID_STATE + " (the job has ended)")),
          Map.entry(
              "DELETE /api/v1/jobs/{id}",
              Map.of(403, FORBIDDEN_JOB, 409, INVALID_STATE + " (the job is still active)")),
          Map.entry(
              "POST /api/v1/jobs/flush",
              Map.of(
                  403,
                  "forbidden: only an admin may flush another user's jobs",
                  409,
                  "conflict: a flush of yours is still running (operation_id names it)")),
          Map.entry("GET /api/v1/users", Map.of(403, FORBIDDEN_ADMIN)),
          Map.entry(
              "GET /api/v1/stats",
              Map.of(403, "forbidden: only an admin may read another owner's statistics")),
          Map.entry("PUT /api/v1/apps/{name}", Map.of(403, FORBIDDEN_APPS)),
          Map.entry("DELETE /api/v1/apps/{name}", Map.of(403, FORBIDDEN_APPS)),
          Map.entry(
              "POST /api/v1/users",
              Map.of(403, FORBIDDEN_ADMIN, 409, "conflict: a user of that name exists")),
          Map.entry("POST /api/v1/users/{name}/keys", Map.of(403, FORBIDDEN_ADMIN)),
          Map.entry("PUT /api/v1/users/{name}/scheduling", Map.of(403, FORBIDDEN_ADMIN)),
          Map.entry(
              "POST /api/v1/jobs/{id}/shares",
              Map.of(
                  403,
                  FORBIDDEN_SHARE
                      + "; a job's token (JOBKIT_TOKEN) cannot make one: it would outlive the job")),
          Map.entry("GET /api/v1/jobs/{id}/shares", Map.of(403, FORBIDDEN_SHARE)),
          Map.entry("DELETE /api/v1/shares/{share_id}", Map.of(403, FORBIDDEN_SHARE)),
          Map.entry(
              "GET /api/v1/jobs/{id}/log/stream",
              Map.of(410, RESULTS_EXPIRED, 429, TOO_MANY_STREAMS)),
          Map.entry("GET /api/v1/jobs/{id}/log", Map.of(410, RESULTS_EXPIRED)),
          Map.entry("GET /api/v1/jobs/{id}/results", Map.of(410, RESULTS_EXPIRED)),
          Map.entry("GET /api/v1/jobs/{id}/results/{path}", Map.of(410, RESULTS_EXPIRED)),
          Map.entry("GET /api/v1/jobs/{id}/results.zip", Map.of(410, RESULTS_EXPIRED)),
          Map.entry("GET /api/v1/events/stream", Map.of(429, TOO_MANY_STREAMS)),
          Map.entry(
              "POST /api/v1/webhooks",
              Map.of(
                  403,
                  "forbidden: a job's token (JOBKIT_TOKEN) cannot make a webhook, which would"
                      + " outlive the job; nor can a share token",
                  429,
                  "rate_limited: you have jobkit.webhooks.max-per-user webhooks; nothing was made;"
                      + " carries limit, webhooks and setting")));

  private static final String FORBIDDEN_WORKER =
      "forbidden: only a worker key or an admin calls the worker protocol, and a worker key acts"
          + " only as the workers it registered";
  private static final String NOT_CLAIM_OWNER =
      FORBIDDEN_WORKER
          + "; not_claim_owner: another worker (owner_worker_id) holds the job; only the worker"
          + " that claimed it may move it";
  private static final String WORKER_EXPIRED =
      "worker_expired: the worker missed its heartbeats for jobkit.workers.claim-ttl or"
          + " deregistered; its claims were released (carries worker_id, ended_at and why)";
  private static final String OCTET_STREAM =
      "unsupported_media_type: the body is not application/octet-stream";
  private static final String MOVED_ON =
      "invalid_state: the job has moved on (stopped, expired, ended) or is not in a status this"
          + " report applies to; carries current_status and allowed_statuses: drop the job";

  /** The problems of the worker protocol's routes. */
  private static final Map<String, Map<Integer, String>> WORKER_ROUTES =
      Map.ofEntries(
          Map.entry("POST /api/v1/internal/workers", Map.of(403, FORBIDDEN_WORKER)),
          Map.entry("GET /api/v1/internal/workers", Map.of(403, FORBIDDEN_WORKER)),
          Map.entry(
              "POST /api/v1/internal/workers/{worker_id}/heartbeat",
              Map.of(403, FORBIDDEN_WORKER, 410, WORKER_EXPIRED)),
          Map.entry(
              "DELETE /api/v1/internal/workers/{worker_id}",
              Map.of(403, FORBIDDEN_WORKER, 410, WORKER_EXPIRED)),
          Map.entry(
              "POST /api/v1/internal/jobs/claim",
              Map.of(403, FORBIDDEN_WORKER, 410, WORKER_EXPIRED)),
          Map.entry(
              "POST /api/v1/internal/jobs/{id}/acknowledge",
              Map.of(403, NOT_CLAIM_OWNER, 409, MOVED_ON, 410, WORKER_EXPIRED)),
          Map.entry(
              "POST /api/v1/internal/jobs/{id}/transition",
              Map.of(403, NOT_CLAIM_OWNER, 409, MOVED_ON, 410, WORKER_EXPIRED)),
          Map.entry(
              "POST /api/v1/internal/jobs/{id}/pods/{pod}/log",
              Map.of(
                  403,
                  NOT_CLAIM_OWNER,
                  409,
                  MOVED_ON
                      + "; log_gap: offset is past the end of the log (carries size: send from"
                      + " there)",
                  410,
                  WORKER_EXPIRED,
                  413,
                  "payload_too_large: the chunk is over jobkit.api.max-request-size",
                  415,
                  OCTET_STREAM)),
          Map.entry(
              "PUT /api/v1/internal/jobs/{id}/results/{path}",
              Map.of(
                  403,
                  NOT_CLAIM_OWNER,
                  409,
                  MOVED_ON,
                  410,
                  WORKER_EXPIRED,
                  413,
                  "payload_too_large: the file is over jobkit.datasets.max-size",
                  415,
                  OCTET_STREAM)),
          Map.entry(
              "POST /api/v1/internal/jobs/{id}/complete",
              Map.of(403, NOT_CLAIM_OWNER, 409, MOVED_ON, 410, WORKER_EXPIRED)),
          Map.entry(
              "POST /api/v1/internal/jobs/{id}/fail",
              Map.of(403, NOT_CLAIM_OWNER, 409, MOVED_ON, 410, WORKER_EXPIRED)));

  /** Extra problems of a route ({@code "METHOD path"}): status → when. */
  static final Map<String, Map<Integer, String>> BY_ROUTE = merged(API_ROUTES, WORKER_ROUTES);

  private static Map<String, Map<Integer, String>> merged(
      Map<String, Map<Integer, String>> a, Map<String, Map<Integer, String>> b) {
    Map<String, Map<Integer, String>> all = new LinkedHashMap<>(a);
    all.putAll(b);
    return Map.copyOf(all);
  }

  /** What every operation can answer. */
  private static final Map<Integer, String> EVERY_ROUTE =
      Map.of(
          400,
          "validation_failed: a parameter, header or field of the body is wrong; errors names"
              + " each",
          401,
          "unauthorized: no API key, or not a valid one",
          404,
          "not_found: no such job (or one you may not see), user or path",
          500,
          "internal: a failure of the service; its log has it under request_id");

  /** Every route's 403: a share token reads its one job and nothing else. */
  private static final String FORBIDDEN_TO_SHARE_TOKENS =
      "forbidden: a share token reads only its job (GET of the job, its log, events and results,"
          + " and the event stream of that job); any other request with one is refused";

  /** What an operation with a body can answer too. */
  private static final Map<Integer, String> WITH_BODY =
      Map.of(
          413,
          "payload_too_large: the body is over jobkit.api.max-request-size",
          415,
          "unsupported_media_type: the body is not application/json");

  @Override
  public void customise(OpenAPI openApi) {
    Map<String, Schema> problem =
        ModelConverters.getInstance(true).readAll(new AnnotatedType(Problem.class));
    problem.forEach(openApi.getComponents()::addSchemas);
    openApi
        .getComponents()
        .getSchemas()
        .get("Problem")
        .description(
            "An RFC 9457 problem document. Branch on code (validation_failed, unauthorized,"
                + " forbidden, not_found, conflict, invalid_state, rate_limited, ...), not on"
                + " the sentence in detail.");
    openApi
        .getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap()
                    .forEach((method, operation) -> add(operation, method + " " + path)));
  }

  /** The answers of an operation in the order of their status, successes first. */
  static void sortResponses(Operation operation) {
    ApiResponses sorted = new ApiResponses();
    operation.getResponses().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> sorted.addApiResponse(e.getKey(), e.getValue()));
    operation.setResponses(sorted);
  }

  private static void add(Operation operation, String route) {
    Map<Integer, String> problems = new LinkedHashMap<>(EVERY_ROUTE);
    if (operation.getRequestBody() != null) {
      problems.putAll(WITH_BODY);
    }
    problems.put(403, FORBIDDEN_TO_SHARE_TOKENS);
    BY_ROUTE
        .getOrDefault(route, Map.of())
        .forEach(
            (status, when) ->
                problems.put(
                    status, status == 403 ? when + "; or " + FORBIDDEN_TO_SHARE_TOKENS : when));
    for (int status : problems.keySet().stream().sorted().toList()) {
      ApiResponse response =
          new ApiResponse()
              .description(problems.get(status))
              .content(
                  new Content()
                      .addMediaType(
                          PROBLEM_JSON,
                          new MediaType()
                              .schema(new Schema<>().$ref("#/components/schemas/Problem"))));
      if (status == 401) {
        response.addHeaderObject(
            "WWW-Authenticate",
            new Header()
                .description("how to authenticate: Bearer realm=\"jobkit\"")
                .schema(new StringSchema()));
      }
      if (status == 429) {
        response.addHeaderObject(
            "Retry-After",
            new Header()
                .description("seconds to wait before trying again")
                .schema(new IntegerSchema()));
      }
      operation.getResponses().addApiResponse(Integer.toString(status), response);
    }
    sortResponses(operation);
  }
}
