package dev.jobkit.server.workers;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.engine.JobReports;
import dev.jobkit.server.engine.WorkerClaims;
import dev.jobkit.server.engine.WorkerClaims.FailureKind;
import dev.jobkit.server.engine.WorkerSettings;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.WorkerStore;
import dev.jobkit.server.store.WorkerStore.StoredWorker;
import dev.jobkit.server.workers.WorkerMessages.ClaimAnswer;
import dev.jobkit.server.workers.WorkerMessages.ClaimRequest;
import dev.jobkit.server.workers.WorkerMessages.ClaimedJob;
import dev.jobkit.server.workers.WorkerMessages.HeartbeatAnswer;
import dev.jobkit.server.workers.WorkerMessages.LogAppendAnswer;
import dev.jobkit.server.workers.WorkerMessages.ResultFileAnswer;
import dev.jobkit.server.workers.WorkerMessages.Worker;
import dev.jobkit.server.workers.WorkerMessages.WorkerCompletion;
import dev.jobkit.server.workers.WorkerMessages.WorkerFailure;
import dev.jobkit.server.workers.WorkerMessages.WorkerHeartbeat;
import dev.jobkit.server.workers.WorkerMessages.WorkerJobReport;
import dev.jobkit.server.workers.WorkerMessages.WorkerJobState;
import dev.jobkit.server.workers.WorkerMessages.WorkerRef;
import dev.jobkit.server.workers.WorkerMessages.WorkerRegistration;
import dev.jobkit.server.workers.WorkerMessages.WorkerTransition;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker protocol for a caller (docs/workers.md): who may act as which worker, what each
 * request must hold (every bad field a 400 naming it), and whether the job is the worker's to move
 * (403 {@code not_claim_owner}, 409 {@code invalid_state}); what the reports do to the jobs is the
 * engine's ({@link WorkerClaims}).
 */
@Service
class Workers {

  static final int MAX_CLAIM = 100;
  static final int MAX_SLOTS = 10_000;
  static final int MAX_APPS = 100;
  static final int MAX_REPORTS = 1000;
  static final int MAX_PATH = 1024;

  /** The statuses a worker reports an attempt's end or failure in. */
  private static final Set<JobStatus> ENDABLE =
      EnumSet.of(
          JobStatus.CLAIMED,
          JobStatus.STAGED_IN,
          JobStatus.PREPROCESSED,
          JobStatus.RUNNING,
          JobStatus.RUN_DONE,
          JobStatus.POSTPROCESSED,
          JobStatus.STAGED_OUT,
          JobStatus.CANCEL_REQUESTED);

  private static final Set<JobStatus> COMPLETABLE =
      EnumSet.of(
          JobStatus.RUNNING,
          JobStatus.RUN_DONE,
          JobStatus.POSTPROCESSED,
          JobStatus.STAGED_OUT,
          JobStatus.CANCEL_REQUESTED);

  private final WorkerStore workers;
  private final WorkerClaims claims;
  private final WorkerSettings settings;
  private final JobStore jobs;
  private final JobReports reports;
  private final JobFiles files;
  private final long maxLogBytes;
  private final JsonMapper json = JsonMapper.builder().build();

  Workers(
      WorkerStore workers,
      WorkerClaims claims,
      WorkerSettings settings,
      JobStore jobs,
      JobReports reports,
      JobFiles files,
      JobkitProperties properties) {
    this.workers = workers;
    this.claims = claims;
    this.settings = settings;
    this.jobs = jobs;
    this.reports = reports;
    this.files = files;
    this.maxLogBytes = properties.executor().maxLogBytesPerPod().toBytes();
  }

  // ---- who

  /** Only worker keys and admins call the worker protocol. */
  static void authorize(Caller caller) {
    boolean worker =
        caller.role() == Role.WORKER && caller.kind() == ActorKind.WORKER && !caller.isShare();
    if (!worker && !caller.isAdmin()) {
      throw ApiException.forbidden(
          "only a key of role worker (or an admin's) may call the worker protocol"
              + " (/api/v1/internal/...)");
    }
  }

  /** The live worker the caller may act as: 404, 403 (another account's) or 410 (ended). */
  private StoredWorker actingAs(Caller caller, String workerId, String field) {
    authorize(caller);
    if (workerId == null || workerId.isBlank()) {
      throw ApiException.invalid(field, "is required: the id of the worker (wkr_...)");
    }
    StoredWorker worker =
        workers
            .find(workerId)
            .orElseThrow(() -> ApiException.notFound("no worker " + workerId + " is registered"));
    if (!caller.isAdmin() && !worker.registeredBy().equals(caller.name())) {
      throw ApiException.forbidden(
          "worker "
              + workerId
              + " was registered by another account; a worker key acts only as the workers it"
              + " registered");
    }
    if (worker.endedAt() == null && worker.expiresAt().isBefore(Instant.now())) {
      claims.expire(workerId); // the sweep would in a moment; the answer must not wait for it
      worker = workers.find(workerId).orElse(worker);
    }
    if (worker.endedAt() != null) {
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("worker_id", workerId);
      props.put("ended_at", worker.endedAt().toString());
      props.put("why", worker.endedWhy());
      throw new ApiException(
          HttpStatus.GONE,
          "worker_expired",
          "worker "
              + workerId
              + " has ended ("
              + worker.endedWhy()
              + "): its claims were released; kill what it still runs and register again",
          props);
    }
    return worker;
  }

  /**
   * The job, if the worker holds it in one of {@code allowed}: 404 if it does not exist, 403 {@code
   * not_claim_owner} if another worker (or the local executor) holds it, 409 {@code invalid_state}
   * if it has moved on.
   */
  private Job held(StoredWorker worker, String jobId, Set<JobStatus> allowed) {
    Job job = jobs.findSummary(jobId).orElseThrow(() -> ApiException.jobNotFound(jobId));
    String owner = workers.workerOf(jobId).orElse(null);
    if (job.status().isInFlight() && !worker.id().equals(owner)) {
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("job_id", jobId);
      props.put("owner_worker_id", owner == null ? "local-executor" : owner);
      throw new ApiException(
          HttpStatus.FORBIDDEN,
          "not_claim_owner",
          "job "
              + jobId
              + " is held by "
              + (owner == null ? "the service's local executor" : "worker " + owner)
              + ", not by worker "
              + worker.id()
              + "; only the worker that claimed a job may move it",
          props);
    }
    if (!worker.id().equals(owner) || !allowed.contains(job.status())) {
      throw invalidState(job, allowed);
    }
    return job;
  }

  private static ApiException invalidState(Job job, Set<JobStatus> allowed) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("current_status", job.status());
    props.put("allowed_statuses", List.copyOf(allowed));
    return new ApiException(
        HttpStatus.CONFLICT,
        "invalid_state",
        "job "
            + job.id()
            + " is "
            + job.status()
            + (job.status().isTerminal() ? " (it has ended)" : "")
            + ", which this report does not apply to (allowed: "
            + String.join(", ", allowed.stream().map(Enum::name).toList())
            + "); drop the job",
        props);
  }

  /** 409 with the job as it is now: it moved on while the report was applied. */
  private ApiException movedOn(String jobId, Set<JobStatus> allowed) {
    return jobs.findSummary(jobId)
        .map(j -> invalidState(j, allowed))
        .orElseGet(() -> ApiException.jobNotFound(jobId));
  }

  private Worker view(StoredWorker w) {
    return new Worker(
        w.id(),
        w.name(),
        w.registeredBy(),
        w.slots(),
        w.apps(),
        w.host(),
        w.registeredAt(),
        w.lastHeartbeatAt(),
        w.expiresAt(),
        w.endedAt(),
        w.endedWhy(),
        settings.claimTtl().toMillis() / 1000.0,
        settings.heartbeatInterval().toMillis() / 1000.0);
  }

  // ---- workers

  Worker register(Caller caller, WorkerRegistration request) {
    authorize(caller);
    if (request == null) {
      throw ApiException.invalid("name", "is required");
    }
    List<FieldError> errors = new ArrayList<>();
    String name = text("name", request.name(), 128, true, errors);
    int slots = 1;
    if (request.slots() != null) {
      if (request.slots() < 1 || request.slots() > MAX_SLOTS) {
        errors.add(new FieldError("slots", "must be 1 to " + MAX_SLOTS));
      } else {
        slots = request.slots();
      }
    }
    List<String> apps = apps("apps", request.apps(), errors);
    String host = text("host", request.host(), 255, false, errors);
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    // As the database keeps it: the answer says what a list says later.
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    StoredWorker worker =
        new StoredWorker(
            Keys.newId("wkr"),
            name,
            caller.name(),
            slots,
            apps,
            host,
            now,
            now,
            now.plus(settings.claimTtl()),
            null,
            null);
    workers.insert(worker);
    return view(worker);
  }

  List<Worker> list(Caller caller) {
    authorize(caller);
    return workers.live(caller.isAdmin() ? null : caller.name()).stream().map(this::view).toList();
  }

  void deregister(Caller caller, String workerId) {
    actingAs(caller, workerId, "worker_id");
    claims.deregister(workerId);
  }

  HeartbeatAnswer heartbeat(Caller caller, String workerId, WorkerHeartbeat request) {
    StoredWorker worker = actingAs(caller, workerId, "worker_id");
    List<WorkerJobReport> reported =
        request == null || request.jobs() == null ? List.of() : request.jobs();
    List<FieldError> errors = new ArrayList<>();
    if (reported.size() > MAX_REPORTS) {
      errors.add(new FieldError("jobs", "at most " + MAX_REPORTS + " jobs per heartbeat"));
    }
    List<String> ids = new ArrayList<>();
    List<JsonNode[]> values = new ArrayList<>();
    for (int i = 0; i < reported.size() && errors.isEmpty(); i++) {
      WorkerJobReport r = reported.get(i);
      String at = "jobs[" + i + "]";
      if (r == null) {
        errors.add(new FieldError(at, "must be an object with job_id"));
        continue;
      }
      ids.add(text(at + ".job_id", r.jobId(), 64, true, errors));
      values.add(
          new JsonNode[] {
            progress(at + ".progress", r.progress(), errors),
            metrics(at + ".metrics", r.metrics(), errors)
          });
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    Instant expires = now.plus(settings.claimTtl());
    if (!workers.renew(workerId, now, expires)) {
      // Its claims expired just now: it is ended (410), unless another heartbeat renewed them.
      actingAs(caller, workerId, "worker_id");
      if (!workers.renew(workerId, now, expires)) {
        actingAs(caller, workerId, "worker_id");
      }
    }
    for (int i = 0; i < ids.size(); i++) {
      JsonNode[] report = values.get(i);
      if (report[0] == null && report[1] == null) {
        continue;
      }
      String id = ids.get(i);
      jobs.findSummary(id)
          .filter(j -> j.status().isInFlight())
          .filter(j -> workers.workerOf(id).map(worker.id()::equals).orElse(false))
          .ifPresent(j -> reports.saveReported(j, report[0], report[1]));
    }
    // Canceled since the heartbeat before this one (with a margin for a slow round trip).
    Instant since = worker.lastHeartbeatAt().minus(settings.heartbeatInterval());
    return new HeartbeatAnswer(expires, claims.toCancel(workerId, ids, since));
  }

  // ---- jobs

  ClaimAnswer claim(Caller caller, ClaimRequest request) {
    authorize(caller);
    if (request == null) {
      throw ApiException.invalid("worker_id", "is required");
    }
    List<FieldError> errors = new ArrayList<>();
    int max = 1;
    if (request.maxJobs() != null) {
      if (request.maxJobs() < 1 || request.maxJobs() > MAX_CLAIM) {
        errors.add(new FieldError("max_jobs", "must be 1 to " + MAX_CLAIM));
      } else {
        max = request.maxJobs();
      }
    }
    List<String> apps = apps("apps", request.apps(), errors);
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    StoredWorker worker = actingAs(caller, request.workerId(), "worker_id");
    List<String> filter = request.apps() != null ? apps : worker.apps();
    List<ClaimedJob> claimed = new ArrayList<>();
    for (WorkerClaims.Claimed c : claims.claim(worker.id(), max, filter)) {
      Job j = c.job();
      claimed.add(
          new ClaimedJob(
              j.id(),
              c.attempt(),
              j.maxAttempts(),
              j.owner(),
              j.command(),
              j.shell(),
              j.env(),
              j.podCount(),
              j.timeoutSeconds(),
              j.app(),
              j.appVersion(),
              j.parameters(),
              c.token(),
              c.logOffsets()));
    }
    return new ClaimAnswer(claimed);
  }

  WorkerJobState acknowledge(Caller caller, String jobId, WorkerRef request) {
    StoredWorker worker =
        actingAs(caller, request == null ? null : request.workerId(), "worker_id");
    Set<JobStatus> allowed = EnumSet.of(JobStatus.CLAIMED);
    Job job = held(worker, jobId, allowed);
    if (!claims.acknowledge(worker.id(), job)) {
      throw movedOn(jobId, allowed);
    }
    return state(jobId);
  }

  WorkerJobState transition(Caller caller, String jobId, WorkerTransition request) {
    if (request == null) {
      throw ApiException.invalid("worker_id", "is required");
    }
    List<FieldError> errors = new ArrayList<>();
    JobStatus to = null;
    if (request.to() == null || request.to().isBlank()) {
      errors.add(new FieldError("to", "is required: one of " + phaseNames()));
    } else {
      try {
        to = JobStatus.valueOf(request.to().strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        to = null;
      }
      if (to == null || !WorkerClaims.PHASES.contains(to)) {
        errors.add(
            new FieldError(
                "to", "must be one of " + phaseNames() + ", not '" + clip(request.to()) + "'"));
        to = null;
      }
    }
    String reason = text("reason", request.reason(), 1000, false, errors);
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    StoredWorker worker = actingAs(caller, request.workerId(), "worker_id");
    JobStatus target = to;
    Set<JobStatus> allowed = EnumSet.noneOf(JobStatus.class);
    for (JobStatus s : JobStatus.values()) {
      if (s.isInFlight() && s.canTransitionTo(target) && s != JobStatus.RUN_ERROR) {
        allowed.add(s);
      }
    }
    Job job = held(worker, jobId, allowed);
    List<Long> pids = List.of();
    if (target == JobStatus.RUNNING) {
      pids = request.pids();
      if (pids == null || pids.size() != job.podCount()) {
        throw ApiException.invalid(
            "pids",
            "RUNNING needs the pid of each pod: " + job.podCount() + " numbers, by pod index");
      }
      for (int i = 0; i < pids.size(); i++) {
        if (pids.get(i) == null || pids.get(i) < 1) {
          throw ApiException.invalid("pids[" + i + "]", "must be a positive process id");
        }
      }
    } else if (request.pids() != null) {
      throw ApiException.invalid("pids", "only a move to RUNNING carries pids");
    }
    if (!claims.enter(worker.id(), job, target, reason, pids)) {
      throw movedOn(jobId, allowed);
    }
    return state(jobId);
  }

  WorkerJobState complete(Caller caller, String jobId, WorkerCompletion request) {
    if (request == null) {
      throw ApiException.invalid("worker_id", "is required");
    }
    List<FieldError> errors = new ArrayList<>();
    if (request.exitCodes() == null || request.exitCodes().isEmpty()) {
      errors.add(new FieldError("exit_codes", "is required: each pod's exit code, by pod index"));
    } else if (request.exitCodes().contains(null)) {
      errors.add(new FieldError("exit_codes", "must be integers"));
    }
    JsonNode metrics = metrics("metrics", request.metrics(), errors);
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    StoredWorker worker = actingAs(caller, request.workerId(), "worker_id");
    Job job = held(worker, jobId, COMPLETABLE);
    if (request.exitCodes().size() != job.podCount()) {
      throw ApiException.invalid(
          "exit_codes",
          "has "
              + request.exitCodes().size()
              + " codes; the job has "
              + job.podCount()
              + " pods (one code each, by pod index)");
    }
    if (request.result() != null) {
      files.writeOutput(
          jobId,
          "result.json",
          new ByteArrayInputStream(
              json.writeValueAsString(request.result()).getBytes(StandardCharsets.UTF_8)));
    }
    if (metrics != null) {
      reports.saveReported(job, null, metrics);
    }
    if (!claims.complete(worker.id(), job, request.exitCodes())) {
      throw movedOn(jobId, COMPLETABLE);
    }
    return state(jobId);
  }

  WorkerJobState fail(Caller caller, String jobId, WorkerFailure request) {
    if (request == null) {
      throw ApiException.invalid("worker_id", "is required");
    }
    List<FieldError> errors = new ArrayList<>();
    FailureKind kind = null;
    List<String> kinds = Arrays.stream(FailureKind.values()).map(FailureKind::wireName).toList();
    if (request.kind() == null || request.kind().isBlank()) {
      errors.add(new FieldError("kind", "is required: one of " + String.join(", ", kinds)));
    } else if (!kinds.contains(request.kind().strip().toLowerCase(Locale.ROOT))) {
      errors.add(
          new FieldError(
              "kind",
              "must be one of "
                  + String.join(", ", kinds)
                  + ", not '"
                  + clip(request.kind())
                  + "'"));
    } else {
      kind = FailureKind.valueOf(request.kind().strip().toUpperCase(Locale.ROOT));
    }
    String message = text("message", request.message(), 2000, true, errors);
    String details = null;
    if (request.details() != null) {
      details = json.writeValueAsString(request.details());
      if (details.length() > 2000) {
        errors.add(new FieldError("details", "must be at most 2000 characters as JSON"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    StoredWorker worker = actingAs(caller, request.workerId(), "worker_id");
    Job job = held(worker, jobId, ENDABLE);
    if (!claims.fail(worker.id(), job, kind, message, details, request.exitCode())) {
      throw movedOn(jobId, ENDABLE);
    }
    return state(jobId);
  }

  LogAppendAnswer appendLog(
      Caller caller,
      String workerId,
      String jobId,
      String podText,
      String offsetText,
      byte[] body) {
    List<FieldError> errors = new ArrayList<>();
    Integer pod = number("pod", podText, errors);
    Long offset = null;
    if (offsetText == null || offsetText.isBlank()) {
      errors.add(new FieldError("offset", "is required: the byte of the log the body starts at"));
    } else {
      try {
        offset = Long.parseLong(offsetText.strip());
        if (offset < 0) {
          errors.add(new FieldError("offset", "must be 0 or more"));
        }
      } catch (NumberFormatException e) {
        errors.add(
            new FieldError("offset", "must be a number of bytes, not '" + clip(offsetText) + "'"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    StoredWorker worker = actingAs(caller, workerId, "worker_id");
    Job job = held(worker, jobId, inFlight());
    if (pod >= job.podCount()) {
      throw ApiException.invalid(
          "pod", "the job has " + job.podCount() + " pods (0 to " + (job.podCount() - 1) + ")");
    }
    try {
      JobFiles.LogAppend done = files.appendLog(jobId, pod, offset, body, maxLogBytes);
      return new LogAppendAnswer(done.size(), done.cut());
    } catch (JobFiles.LogGapException gap) {
      Map<String, Object> props = new LinkedHashMap<>();
      props.put("size", gap.size());
      props.put("offset", offset);
      throw new ApiException(
          HttpStatus.CONFLICT,
          "log_gap",
          "the log of pod "
              + pod
              + " has "
              + gap.size()
              + " bytes; a chunk at offset "
              + offset
              + " would leave a gap: send from offset "
              + gap.size(),
          props);
    }
  }

  ResultFileAnswer putResult(
      Caller caller, String workerId, String jobId, String path, InputStream body) {
    String relative = path != null && path.startsWith("/") ? path.substring(1) : path;
    String problem = resultPathProblem(relative);
    if (problem != null) {
      throw ApiException.invalid("path", problem);
    }
    StoredWorker worker = actingAs(caller, workerId, "worker_id");
    held(worker, jobId, inFlight());
    long size = files.writeOutput(jobId, relative, body);
    return new ResultFileAnswer(relative, size);
  }

  /** Why a result's path cannot be used, or null: relative, no empty, . or .. part, no control. */
  static String resultPathProblem(String relative) {
    if (relative == null || relative.isEmpty()) {
      return "is required: the file's path under the output dir";
    }
    if (relative.length() > MAX_PATH) {
      return "must be at most " + MAX_PATH + " characters";
    }
    if (relative.startsWith("/")) {
      return "must be relative to the output dir, not absolute";
    }
    if (relative.codePoints().anyMatch(c -> Character.isISOControl(c) || c == '\\')) {
      return "must not hold control characters or backslashes";
    }
    for (String part : relative.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return "must not have empty, '.' or '..' parts";
      }
    }
    return null;
  }

  private WorkerJobState state(String jobId) {
    Job job = jobs.findSummary(jobId).orElseThrow(() -> ApiException.jobNotFound(jobId));
    return new WorkerJobState(job.id(), job.status(), WorkerClaims.attemptOf(job));
  }

  private static Set<JobStatus> inFlight() {
    Set<JobStatus> set = EnumSet.noneOf(JobStatus.class);
    for (JobStatus s : JobStatus.values()) {
      if (s.isInFlight()) {
        set.add(s);
      }
    }
    return set;
  }

  // ---- fields

  private static String phaseNames() {
    return String.join(", ", WorkerClaims.PHASES.stream().map(Enum::name).toList());
  }

  private static String text(
      String field, String value, int max, boolean required, List<FieldError> errors) {
    if (value == null || value.isBlank()) {
      if (required) {
        errors.add(new FieldError(field, "is required"));
      }
      return null;
    }
    String v = value.strip();
    if (v.length() > max) {
      errors.add(new FieldError(field, "must be at most " + max + " characters"));
    } else if (v.codePoints()
        .anyMatch(
            c ->
                Character.isISOControl(c) && c != '\n' && c != '\t'
                    || Character.getType(c) == Character.SURROGATE)) {
      errors.add(new FieldError(field, "must not hold control characters"));
    }
    return v;
  }

  private static List<String> apps(String field, List<String> apps, List<FieldError> errors) {
    if (apps == null) {
      return List.of();
    }
    if (apps.size() > MAX_APPS) {
      errors.add(new FieldError(field, "at most " + MAX_APPS + " apps"));
      return List.of();
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < apps.size(); i++) {
      String app = apps.get(i);
      if (app == null || !app.strip().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
        errors.add(
            new FieldError(
                field + "[" + i + "]",
                "must be an app name: 1 to 64 letters, digits, '.', '_' or '-'"));
      } else {
        names.add(app.strip());
      }
    }
    return List.copyOf(names);
  }

  private JsonNode progress(String field, Object value, List<FieldError> errors) {
    if (value == null) {
      return null;
    }
    if (value instanceof Number) {
      return json.valueToTree(value);
    }
    if (value instanceof Map<?, ?> map) {
      Object percent = map.get("percent");
      Object message = map.get("message");
      if (percent != null && !(percent instanceof Number)) {
        errors.add(new FieldError(field + ".percent", "must be a number (0 to 100)"));
      }
      if (message != null && !(message instanceof String)) {
        errors.add(new FieldError(field + ".message", "must be a string"));
      }
      for (Object key : map.keySet()) {
        if (!"percent".equals(key) && !"message".equals(key)) {
          errors.add(new FieldError(field + "." + key, "is not a field of progress"));
        }
      }
      return json.valueToTree(value);
    }
    errors.add(new FieldError(field, "must be a number (percent) or {\"percent\", \"message\"}"));
    return null;
  }

  private JsonNode metrics(String field, Object value, List<FieldError> errors) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> map)) {
      errors.add(new FieldError(field, "must be a JSON object of numbers"));
      return null;
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getValue() instanceof Number)) {
        errors.add(new FieldError(field + "." + e.getKey(), "must be a number"));
      }
    }
    return json.valueToTree(value);
  }

  private static Integer number(String field, String text, List<FieldError> errors) {
    try {
      int n = Integer.parseInt(text.strip());
      if (n < 0) {
        errors.add(new FieldError(field, "must be 0 or more"));
      }
      return n;
    } catch (NumberFormatException | NullPointerException e) {
      errors.add(new FieldError(field, "must be a pod index, not '" + clip(text) + "'"));
      return null;
    }
  }

  private static String clip(String text) {
    if (text == null) {
      return "";
    }
    String clean =
        text.codePoints()
            .filter(c -> !Character.isISOControl(c))
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    return clean.length() <= 40 ? clean : clean.substring(0, 40) + "…";
  }
}
