package dev.jobkit.server.api;

import static dev.jobkit.server.api.QueryValues.blankToNull;
import static dev.jobkit.server.api.QueryValues.bool;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobDeletion;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobPage;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.Flusher;
import dev.jobkit.server.jobs.JobControl;
import dev.jobkit.server.jobs.JobReader;
import dev.jobkit.server.jobs.JobSubmitter;
import dev.jobkit.server.store.DataStore;
import dev.jobkit.server.store.JobFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/jobs}: submit, read, list, update, stop, delete, flush, events; logs in {@link
 * JobLogController}.
 */
@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

  private static final Set<String> MUTABLE =
      Set.of("display_name", "description", "priority", "accessibility", "pod_count");
  private static final Set<String> IMMUTABLE =
      Set.of(
          "id",
          "owner",
          "status",
          "status_reason",
          "command",
          "shell",
          "app",
          "app_version",
          "parameters",
          "env",
          "tags",
          "parents",
          "timeout_seconds",
          "max_attempts",
          "attempt",
          "pods",
          "attempts",
          "progress",
          "metrics",
          "last_error",
          "result",
          "created_at",
          "updated_at",
          "started_at",
          "finished_at");

  private final JobSubmitter submitter;
  private final JobReader reader;
  private final JobControl control;
  private final Flusher flusher;
  private final JsonMapper json;

  JobController(
      JobSubmitter submitter,
      JobReader reader,
      JobControl control,
      Flusher flusher,
      JsonMapper json) {
    this.submitter = submitter;
    this.reader = reader;
    this.control = control;
    this.flusher = flusher;
    this.json = json;
  }

  @PostMapping
  ResponseEntity<Job> submit(
      Caller caller,
      @RequestBody JobSpec spec,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    JobSubmitter.Submitted submitted = submitter.submit(caller, spec, idempotencyKey);
    return ResponseEntity.status(submitted.replayed() ? HttpStatus.OK : HttpStatus.CREATED)
        .header("Location", "/api/v1/jobs/" + submitted.job().id())
        .header("Idempotent-Replayed", Boolean.toString(submitted.replayed()))
        .body(submitted.job());
  }

  @PostMapping("/batch")
  ResponseEntity<JobList> submitBatch(Caller caller, @RequestBody JobBatch batch) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(new JobList(submitter.submitBatch(caller, batch.jobs())));
  }

  @GetMapping
  JobPage list(
      Caller caller,
      @RequestParam(required = false) List<String> status,
      @RequestParam(required = false) String owner,
      @RequestParam(required = false) List<String> tag,
      @RequestParam(required = false) String name,
      @RequestParam(required = false) String parent,
      @RequestParam(required = false) String app,
      @RequestParam(name = "created_after", required = false) String createdAfter,
      @RequestParam(name = "created_before", required = false) String createdBefore,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor) {
    List<FieldError> errors = new ArrayList<>();
    JobFilter filter =
        JobFilters.parse(
            caller, status, owner, tag, name, parent, app, createdAfter, createdBefore, errors);
    int pageSize = 50;
    if (limit != null) {
      try {
        pageSize = Integer.parseInt(limit.strip());
        if (pageSize < 1 || pageSize > 1000) {
          errors.add(new FieldError("limit", "must be from 1 to 1000, not " + pageSize));
        }
      } catch (NumberFormatException e) {
        errors.add(
            new FieldError("limit", "must be a whole number from 1 to 1000, not '" + limit + "'"));
      }
    }
    Long beforeSeq = null;
    if (cursor != null) {
      java.util.OptionalLong seq = reader.cursorPosition(cursor);
      if (seq.isPresent()) {
        beforeSeq = seq.getAsLong();
      } else {
        errors.add(
            new FieldError(
                "cursor",
                "is not a cursor this service issued; pass next_cursor from a previous page"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    return reader.list(filter.query(caller.name(), caller.isAdmin(), beforeSeq, pageSize));
  }

  @GetMapping("/{id}")
  Job get(Caller caller, @PathVariable String id) {
    return reader.get(caller, id);
  }

  @PatchMapping("/{id}")
  Job update(Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
    if (!body.isObject()) {
      throw ApiException.invalid("body", "must be a JSON object of the fields to change");
    }
    List<FieldError> errors = new ArrayList<>();
    for (String field : body.propertyNames()) {
      if (IMMUTABLE.contains(field)) {
        errors.add(
            new FieldError(
                field,
                "cannot be changed after submission; only display_name, description, priority,"
                    + " accessibility and pod_count can"));
      } else if (!MUTABLE.contains(field)) {
        errors.add(
            new FieldError(
                field,
                "is not a field of a job; the fields you can change are display_name,"
                    + " description, priority, accessibility and pod_count"));
      } else if (body.get(field).isNull()) {
        errors.add(new FieldError(field, "must not be null; leave it out to keep its value"));
      }
    }
    if (body.isEmpty()) {
      errors.add(new FieldError("body", "name at least one field to change"));
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    JobUpdate update;
    try {
      update = json.treeToValue(body, JobUpdate.class);
    } catch (JacksonException e) {
      throw ProblemHandler.fromJackson(e);
    }
    return control.update(caller, id, update);
  }

  @PostMapping({"/{id}/stop", "/{id}/cancel"})
  ResponseEntity<Job> stop(
      Caller caller,
      @PathVariable String id,
      @RequestParam(name = "expected_status", required = false) String expectedStatus) {
    Job job = control.stop(caller, id, expectedStatus(expectedStatus, Operation.STOP));
    return ResponseEntity.status(job.status().isTerminal() ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .body(job);
  }

  @DeleteMapping("/{id}")
  JobDeletion delete(
      Caller caller,
      @PathVariable String id,
      @RequestParam(name = "purge_artifacts", required = false) String purgeArtifacts,
      @RequestParam(name = "expected_status", required = false) String expectedStatus) {
    DataStore.Removed removed =
        control.delete(
            caller,
            id,
            bool("purge_artifacts", purgeArtifacts, true),
            expectedStatus(expectedStatus, Operation.DELETE));
    return new JobDeletion(id, true, removed.models(), removed.results());
  }

  /**
   * The status a stop or delete applies in only ({@code expected_status}, a name or an alias), or
   * null when not given; a status the operation is never allowed in is a mistake, not a race.
   */
  private static JobStatus expectedStatus(String value, Operation operation) {
    if (value == null || value.isBlank()) {
      return null;
    }
    JobStatus status;
    try {
      status = JobStatus.parse(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("expected_status", e.getMessage());
    }
    if (!operation.allowedIn(status)) {
      throw ApiException.invalid(
          "expected_status",
          operation.wireName()
              + " is never allowed in "
              + status
              + "; name the status the job was seen in, one of "
              + String.join(", ", operation.allowedStatuses().stream().map(Enum::name).toList()));
    }
    return status;
  }

  /**
   * A dry run answers what the flush would hit (200, a read); a flush starts in the background and
   * answers 202 with its operation, to follow at its {@code Location}; sent again with the same
   * {@code Idempotency-Key}, 200 with that same operation.
   */
  @PostMapping("/flush")
  ResponseEntity<?> flush(
      Caller caller,
      @RequestParam(required = false) String scope,
      @RequestParam(required = false) String owner,
      @RequestParam(required = false) List<String> status,
      @RequestParam(required = false) List<String> tag,
      @RequestParam(required = false) String name,
      @RequestParam(required = false) String parent,
      @RequestParam(required = false) String app,
      @RequestParam(name = "created_after", required = false) String createdAfter,
      @RequestParam(name = "created_before", required = false) String createdBefore,
      @RequestParam(name = "purge_artifacts", required = false) String purgeArtifacts,
      @RequestParam(required = false) String force,
      @RequestParam(name = "dry_run", required = false) String dryRun,
      @RequestParam(required = false) String snapshot,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    List<FieldError> errors = new ArrayList<>();
    if (scope == null) {
      errors.add(new FieldError("scope", "required: 'active' or 'all'"));
    }
    JobFilter filter =
        JobFilters.parse(
            caller, status, owner, tag, name, parent, app, createdAfter, createdBefore, errors);
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    boolean purge = bool("purge_artifacts", purgeArtifacts, true);
    boolean forced = bool("force", force, false);
    if (bool("dry_run", dryRun, false)) {
      return ResponseEntity.ok(flusher.dryRun(caller, scope, filter, blankToNull(snapshot)));
    }
    Flusher.Started started =
        flusher.start(caller, scope, filter, purge, forced, blankToNull(snapshot), idempotencyKey);
    FlushOperation operation = started.operation();
    return ResponseEntity.status(started.replayed() ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .header("Location", OperationController.PATH + "/" + operation.id())
        .body(operation);
  }

  @GetMapping("/{id}/events")
  List<JobEvent> events(Caller caller, @PathVariable String id) {
    return reader.events(caller, id);
  }
}
