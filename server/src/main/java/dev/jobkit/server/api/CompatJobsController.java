package dev.jobkit.server.api;

import static dev.jobkit.server.api.QueryValues.bool;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.SkippedJob;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.Flusher;
import dev.jobkit.server.jobs.JobControl;
import dev.jobkit.server.jobs.JobReader;
import dev.jobkit.server.jobs.JobSubmitter;
import dev.jobkit.server.store.DataStore;
import dev.jobkit.server.store.JobFilter;
import dev.jobkit.server.store.UserStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The train/predict Jobs API's routes ({@code /api/jobs/...}), with that API's shapes, as a thin
 * adapter over the v1 services: the same API keys, lifecycle, per-user scheduling and apps ({@code
 * train} and {@code predict}). A caller sees, cancels and deletes only their own jobs here (an
 * admin: anyone's by id); the list and the flush are of the caller's own jobs. Errors are the
 * service's problem documents whose {@code detail} is that API's text ({@code Job not found}, ...).
 * docs/api.md, "The train/predict Jobs API", tells how it maps.
 */
@RestController
@RequestMapping("/api/jobs")
class CompatJobsController {

  /** The most jobs {@code GET /api/jobs} lists, newest first. */
  static final int LIST_LIMIT = 1000;

  /** The most log {@code GET /api/jobs/{id}/log} answers: its last characters. */
  static final int LOG_CHARS = 20_000;

  /** How long a flush is waited for before it is answered with its counts so far. */
  static final Duration FLUSH_WAIT = Duration.ofMinutes(2);

  /** The request fields of that API's train and predict, in its order; others are ignored. */
  private static final List<String> TRAIN_FIELDS =
      List.of(
          "dataset_id",
          "prepared_dataset_id",
          "gene_size",
          "output_dim",
          "use_drug_structure",
          "control_dataset_id",
          "batch_size",
          "lr");

  private static final List<String> PREDICT_FIELDS =
      List.of(
          "dataset_id", "model_id", "model_path", "gene_size", "output_dim", "use_drug_structure");

  private final JobSubmitter submitter;
  private final JobReader reader;
  private final JobControl control;
  private final Flusher flusher;
  private final UserStore users;
  private final JsonMapper json;

  CompatJobsController(
      JobSubmitter submitter,
      JobReader reader,
      JobControl control,
      Flusher flusher,
      UserStore users,
      JsonMapper json) {
    this.submitter = submitter;
    this.reader = reader;
    this.control = control;
    this.flusher = flusher;
    this.users = users;
    this.json = json;
  }

  /** {@code {"job": JobRecord}}. */
  record JobAnswer(CompatJobRecord job) {}

  /** {@code {"items": [JobRecord, ...]}}. */
  record ItemsAnswer(List<CompatJobRecord> items) {}

  /** {@code {"log": "..."}}. */
  record LogAnswer(String log) {}

  /** What a delete removed. */
  @tools.jackson.databind.annotation.JsonNaming(
      tools.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
  record DeleteAnswer(boolean deleted, int removedModels, int removedResults) {}

  /**
   * What a flush did; {@code operation_id} names the v1 flush operation behind it, to follow at
   * {@code /api/v1/operations/{id}} if it had not ended when answered ({@code finished} false).
   */
  @tools.jackson.databind.annotation.JsonNaming(
      tools.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
  record FlushAnswer(
      String scope,
      int deletedJobs,
      int removedModels,
      int removedResults,
      List<String> skippedRunningJobs,
      String operationId,
      boolean finished) {}

  @PostMapping("/train")
  JobAnswer train(Caller caller, @RequestBody JsonNode body) {
    return new JobAnswer(record(submit(caller, "train", TRAIN_FIELDS, body)));
  }

  @PostMapping("/predict")
  JobAnswer predict(Caller caller, @RequestBody JsonNode body) {
    return new JobAnswer(record(submit(caller, "predict", PREDICT_FIELDS, body)));
  }

  @GetMapping("/{id}")
  JobAnswer get(Caller caller, @PathVariable String id) {
    return new JobAnswer(record(own(caller, id)));
  }

  @GetMapping("/{id}/log")
  LogAnswer log(Caller caller, @PathVariable String id) {
    own(caller, id);
    return new LogAnswer(
        orNotFound(() -> reader.logTail(caller, id, 0, LOG_CHARS, null)).content());
  }

  @PostMapping("/{id}/cancel")
  JobAnswer cancel(Caller caller, @PathVariable String id) {
    Job job = own(caller, id);
    if (job.status().isTerminal()) {
      throw finished(job.status());
    }
    try {
      return new JobAnswer(record(orNotFound(() -> control.stop(caller, id, null))));
    } catch (ApiException e) {
      if ("invalid_state".equals(e.code())) {
        throw finished(own(caller, id).status()); // it ended meanwhile
      }
      throw e;
    }
  }

  @GetMapping
  ItemsAnswer list(Caller caller) {
    List<Job> jobs =
        reader
            .list(
                JobFilter.none()
                    .withOwner(caller.name())
                    .query(caller.name(), caller.isAdmin(), null, LIST_LIMIT))
            .items();
    Map<String, Long> numbers = users.numbers(jobs.stream().map(Job::owner).distinct().toList());
    return new ItemsAnswer(
        jobs.stream().map(j -> CompatJobRecord.of(j, numbers.get(j.owner()))).toList());
  }

  @DeleteMapping("/{id}")
  DeleteAnswer delete(
      Caller caller,
      @PathVariable String id,
      @RequestParam(name = "purge_artifacts", required = false) String purgeArtifacts) {
    boolean purge = bool("purge_artifacts", purgeArtifacts, true);
    Job job = own(caller, id);
    if (job.status().isActive()) {
      throw stillActive(job.status());
    }
    DataStore.Removed removed;
    try {
      removed = orNotFound(() -> control.delete(caller, id, purge, job.status()));
    } catch (ApiException e) {
      if ("invalid_state".equals(e.code())) {
        throw stillActive(own(caller, id).status());
      }
      throw e;
    }
    return new DeleteAnswer(true, removed.models(), removed.results());
  }

  /**
   * Stops (with {@code force}: kills at once) and removes the caller's jobs of {@code scope}
   * through a v1 flush, waits for it to end (at most {@link #FLUSH_WAIT}) and answers its counts.
   */
  @PostMapping("/flush")
  FlushAnswer flush(
      Caller caller,
      @RequestParam(required = false) String scope,
      @RequestParam(name = "purge_artifacts", required = false) String purgeArtifacts,
      @RequestParam(required = false) String force) {
    String chosen = scope == null || scope.isBlank() ? "active" : scope.strip();
    if (!chosen.equals("active") && !chosen.equals("all")) {
      throw ApiException.invalid("scope", "must be 'active' or 'all', not '" + scope + "'");
    }
    boolean purge = bool("purge_artifacts", purgeArtifacts, true);
    boolean forced = bool("force", force, true);
    FlushOperation started =
        flusher
            .start(
                caller,
                chosen,
                JobFilter.none().withOwner(caller.name()),
                purge,
                forced,
                null,
                null)
            .operation();
    FlushOperation operation = awaitEnd(caller, started);
    List<String> skipped = operation.skipped().stream().map(SkippedJob::id).toList();
    return new FlushAnswer(
        chosen,
        operation.deleted(),
        operation.removedModels(),
        operation.removedResults(),
        skipped,
        operation.id(),
        operation.done());
  }

  private FlushOperation awaitEnd(Caller caller, FlushOperation started) {
    Optional<CompletableFuture<FlushOperation>> ending = flusher.ending(started.id());
    if (ending.isPresent()) {
      try {
        ending.get().get(FLUSH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillRunning) {
        // answered with its counts so far
      } catch (ExecutionException e) {
        // the operation records how it ended
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return flusher.get(caller, started.id());
  }

  /** Submits {@code app} with the fields of the body that API knows, as its parameters. */
  private Job submit(Caller caller, String app, List<String> fields, JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.invalid("body", "must be a JSON object of the " + app + " parameters");
    }
    Map<String, Object> parameters = new LinkedHashMap<>();
    for (String field : fields) {
      JsonNode value = body.get(field);
      if (value != null && !value.isNull()) {
        parameters.put(field, json.treeToValue(value, Object.class));
      }
    }
    JobSpec.Builder spec = JobSpec.builder().app(app);
    parameters.forEach(spec::parameter);
    try {
      return submitter.submit(caller, spec.build(), null).job();
    } catch (ApiException e) {
      throw withFieldNames(e);
    }
  }

  /**
   * A validation problem of the submit, its fields named as in that API's request ({@code
   * gene_size}, not {@code parameters.gene_size}); any other problem as it is.
   */
  @SuppressWarnings("unchecked")
  private static ApiException withFieldNames(ApiException e) {
    Object errors = e.properties().get("errors");
    if (!"validation_failed".equals(e.code()) || !(errors instanceof List<?> list)) {
      return e;
    }
    List<FieldError> renamed = new ArrayList<>();
    for (FieldError error : (List<FieldError>) list) {
      String field = error.field();
      renamed.add(
          new FieldError(
              field.startsWith("parameters.") ? field.substring("parameters.".length()) : field,
              error.reason()));
    }
    return ApiException.invalid(renamed);
  }

  /**
   * The job if it is the caller's (an admin: anyone's); else, as when it does not exist, 404 {@code
   * Job not found}.
   */
  private Job own(Caller caller, String id) {
    Job job = orNotFound(() -> reader.get(caller, id));
    if (!caller.canModify(job)) {
      throw notFound();
    }
    return job;
  }

  private static <T> T orNotFound(Supplier<T> call) {
    try {
      return call.get();
    } catch (ApiException e) {
      if (e.status() == HttpStatus.NOT_FOUND) {
        throw notFound();
      }
      throw e;
    }
  }

  private CompatJobRecord record(Job job) {
    return CompatJobRecord.of(job, users.numbers(List.of(job.owner())).get(job.owner()));
  }

  private static ApiException notFound() {
    return new ApiException(HttpStatus.NOT_FOUND, "not_found", "Job not found", Map.of());
  }

  private static ApiException finished(JobStatus status) {
    return new ApiException(
        HttpStatus.BAD_REQUEST,
        "invalid_state",
        "Job is already finished: " + CompatJobRecord.status(status),
        Map.of("current_status", status.name()));
  }

  private static ApiException stillActive(JobStatus status) {
    return new ApiException(
        HttpStatus.BAD_REQUEST,
        "invalid_state",
        "Job is still active ("
            + CompatJobRecord.status(status)
            + "); cancel it and wait until it has finished before deleting it",
        Map.of("current_status", status.name()));
  }
}
