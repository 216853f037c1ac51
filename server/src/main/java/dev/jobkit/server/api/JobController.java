package dev.jobkit.server.api;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobBatch;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobList;
import dev.jobkit.sdk.jobs.JobPage;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.jobs.Flusher;
import dev.jobkit.server.jobs.JobService;
import dev.jobkit.server.store.JobQuery;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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

/** {@code /api/v1/jobs}: submit, read, list, update, stop, delete, flush, logs, events. */
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

  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private final JobService jobs;
  private final Flusher flusher;
  private final LogStreams logStreams;
  private final JsonMapper json;

  JobController(JobService jobs, Flusher flusher, LogStreams logStreams, JsonMapper json) {
    this.jobs = jobs;
    this.flusher = flusher;
    this.logStreams = logStreams;
    this.json = json;
  }

  @PostMapping
  ResponseEntity<Job> submit(
      Caller caller,
      @RequestBody JobSpec spec,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    JobService.Submitted submitted = jobs.submit(caller, spec, idempotencyKey);
    return ResponseEntity.status(submitted.replayed() ? HttpStatus.OK : HttpStatus.CREATED)
        .header("Location", "/api/v1/jobs/" + submitted.job().id())
        .header("Idempotent-Replayed", Boolean.toString(submitted.replayed()))
        .body(submitted.job());
  }

  @PostMapping("/batch")
  ResponseEntity<JobList> submitBatch(Caller caller, @RequestBody JobBatch batch) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(new JobList(jobs.submitBatch(caller, batch.jobs())));
  }

  @GetMapping
  JobPage list(
      Caller caller,
      @RequestParam(required = false) List<String> status,
      @RequestParam(required = false) String owner,
      @RequestParam(required = false) List<String> tag,
      @RequestParam(required = false) String name,
      @RequestParam(required = false) String parent,
      @RequestParam(name = "created_after", required = false) String createdAfter,
      @RequestParam(name = "created_before", required = false) String createdBefore,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor) {
    List<FieldError> errors = new ArrayList<>();
    Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
    if (status != null) {
      for (String value : status) {
        for (String one : value.split(",")) {
          if (one.isBlank()) {
            continue;
          }
          try {
            statuses.add(JobStatus.parse(one));
          } catch (IllegalArgumentException e) {
            errors.add(new FieldError("status", e.getMessage()));
          }
        }
      }
    }
    Map<String, String> tags = new LinkedHashMap<>();
    if (tag != null) {
      for (String t : tag) {
        int eq = t.indexOf('=');
        if (eq <= 0) {
          errors.add(new FieldError("tag", "write a tag filter as key=value, not '" + t + "'"));
        } else {
          tags.put(t.substring(0, eq), t.substring(eq + 1));
        }
      }
    }
    Instant after = time("created_after", createdAfter, errors);
    Instant before = time("created_before", createdBefore, errors);
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
      java.util.OptionalLong seq = jobs.cursorPosition(cursor);
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
    String ownerFilter = "me".equals(owner) ? caller.name() : blankToNull(owner);
    return jobs.list(
        new JobQuery(
            caller.name(),
            caller.isAdmin(),
            statuses,
            ownerFilter,
            tags,
            blankToNull(name),
            blankToNull(parent),
            after,
            before,
            beforeSeq,
            pageSize));
  }

  @GetMapping("/{id}")
  Job get(Caller caller, @PathVariable String id) {
    return jobs.get(caller, id);
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
    return jobs.update(caller, id, update);
  }

  @PostMapping({"/{id}/stop", "/{id}/cancel"})
  ResponseEntity<Job> stop(
      Caller caller,
      @PathVariable String id,
      @RequestParam(name = "expected_status", required = false) String expectedStatus) {
    Job job = jobs.stop(caller, id, expectedStatus(expectedStatus, Operation.STOP));
    return ResponseEntity.status(job.status().isTerminal() ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .body(job);
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(
      Caller caller,
      @PathVariable String id,
      @RequestParam(name = "purge_artifacts", required = false) String purgeArtifacts,
      @RequestParam(name = "expected_status", required = false) String expectedStatus) {
    jobs.delete(
        caller,
        id,
        bool("purge_artifacts", purgeArtifacts, true),
        expectedStatus(expectedStatus, Operation.DELETE));
    return ResponseEntity.noContent().build();
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
      @RequestParam(name = "purge_artifacts", required = false) String purgeArtifacts,
      @RequestParam(required = false) String force,
      @RequestParam(name = "dry_run", required = false) String dryRun,
      @RequestParam(required = false) String snapshot,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    if (scope == null) {
      throw ApiException.invalid("scope", "required: 'active' or 'all'");
    }
    boolean purge = bool("purge_artifacts", purgeArtifacts, true);
    boolean forced = bool("force", force, false);
    if (bool("dry_run", dryRun, false)) {
      return ResponseEntity.ok(
          flusher.dryRun(caller, scope, blankToNull(owner), blankToNull(snapshot)));
    }
    Flusher.Started started =
        flusher.start(
            caller,
            scope,
            blankToNull(owner),
            purge,
            forced,
            blankToNull(snapshot),
            idempotencyKey);
    FlushOperation operation = started.operation();
    return ResponseEntity.status(started.replayed() ? HttpStatus.OK : HttpStatus.ACCEPTED)
        .header("Location", OperationController.PATH + "/" + operation.id())
        .body(operation);
  }

  @GetMapping(value = "/{id}/log", produces = MediaType.APPLICATION_JSON_VALUE)
  LogTail log(
      Caller caller,
      @PathVariable String id,
      @RequestParam(required = false) String pod,
      @RequestParam(name = "tail_chars", required = false) String tailChars) {
    return jobs.logTail(
        caller,
        id,
        integer("pod", pod, 0),
        integer("tail_chars", tailChars, JobService.MAX_TAIL_CHARS));
  }

  @GetMapping(value = "/{id}/log", produces = MediaType.TEXT_PLAIN_VALUE)
  String logText(
      Caller caller,
      @PathVariable String id,
      @RequestParam(required = false) String pod,
      @RequestParam(name = "tail_chars", required = false) String tailChars) {
    return log(caller, id, pod, tailChars).content();
  }

  @GetMapping(value = "/{id}/log/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  void followLog(
      Caller caller,
      @PathVariable String id,
      @RequestParam(required = false) String pod,
      @RequestParam(required = false) String offset,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      HttpServletRequest request,
      HttpServletResponse response) {
    int podIndex = integer("pod", pod, 0);
    String field = lastEventId != null && !lastEventId.isBlank() ? "Last-Event-ID" : "offset";
    long from = byteOffset(field, field.equals("offset") ? offset : lastEventId);
    Job job = jobs.logReadable(caller, id, podIndex);
    if (job.status().isTerminal()) {
      // The log of an ended job grows no more: an offset past its end was never sent, and
      // following from it would wait for bytes that cannot come.
      long size = logStreams.logSize(id, podIndex);
      if (from > size) {
        throw ApiException.invalid(
            field,
            "is past the end of the log: job "
                + id
                + " has ended and pod "
                + podIndex
                + "'s log has "
                + size
                + " bytes, not "
                + from);
      }
    }
    logStreams.follow(caller, id, podIndex, from, request, response);
  }

  @GetMapping("/{id}/events")
  List<JobEvent> events(Caller caller, @PathVariable String id) {
    return jobs.events(caller, id);
  }

  private static Instant time(String field, String value, List<FieldError> errors) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Instant instant;
    try {
      instant = Instant.parse(value.strip());
    } catch (DateTimeParseException e) {
      try {
        instant = java.time.OffsetDateTime.parse(value.strip()).toInstant();
      } catch (DateTimeParseException again) {
        errors.add(
            new FieldError(
                field,
                "must be an RFC 3339 time such as 2026-01-31T12:00:00Z, not '" + value + "'"));
        return null;
      }
    }
    // RFC 3339 years have four digits; java.time reads +999999999-12-31, which no database keeps.
    if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
      errors.add(
          new FieldError(
              field,
              "must be an RFC 3339 time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, not '"
                  + value
                  + "'"));
      return null;
    }
    return instant;
  }

  static boolean bool(String field, String value, boolean fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw ApiException.invalid(field, "must be true or false, not '" + value + "'");
    };
  }

  static int integer(String field, String value, int fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw ApiException.invalid(field, "must be a whole number, not '" + value + "'");
    }
  }

  /** A byte offset: ASCII digits only (no sign, no space), at most Long.MAX_VALUE; 0 if absent. */
  private static long byteOffset(String field, String value) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    if (value.matches("[0-9]{1,19}")) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException tooLarge) {
        // falls through to the problem below
      }
    }
    throw ApiException.invalid(
        field, "must be a byte offset (digits only, a whole number ≥ 0), not '" + value + "'");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
