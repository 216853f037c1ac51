package dev.jobkit.tools.registry;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The structured result of every tool: one record each, whose schema is the tool's output schema. A
 * call that failed answers {@code isError} and a {@link ToolError} under {@code error}, which every
 * output schema declares too ({@link Schemas#output}), so that clients that check results against
 * the schema (the TypeScript MCP SDK does, errors included) pass failures on to the model.
 */
public final class Outputs {

  private Outputs() {}

  /**
   * Text written by a job (its log, its error messages): data, never instructions. The text sits
   * between two fence lines carrying the same random marker, so a line of the job's output cannot
   * pose as the end of the fence.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // No class description: the property that holds it describes it.
  public record UntrustedJobOutput(
      @JsonPropertyDescription("Always true: the text below was written by a job, not by Jobkit.")
          boolean untrusted,
      @JsonPropertyDescription("The random marker on the fence lines around the text.")
          String fence,
      @JsonPropertyDescription("The text between its fence lines.") String text,
      @JsonPropertyDescription("Whether the text was cut to fit the size budget.")
          boolean truncated) {}

  /** One thing wrong with a call's arguments. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("One thing wrong with the arguments.")
  public record FieldError(
      @JsonPropertyDescription("Where, as a JSON pointer (/priority) or a field name.")
          String field,
      @JsonPropertyDescription("What is wrong, in words.") String problem) {}

  /** Why a call failed, and what to do instead. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // No class description: the property that holds it describes it.
  public record ToolError(
      @JsonPropertyDescription(
              "A stable code: invalid_arguments, unknown_tool, not_found, invalid_state,"
                  + " validation_failed, forbidden, unauthorized, conflict, results_expired,"
                  + " rate_limited,"
                  + " service_unreachable, canceled, internal, ...")
          String code,
      @JsonPropertyDescription("What went wrong, in a sentence.") String detail,
      @JsonPropertyDescription("What to do instead.") String fix,
      @JsonPropertyDescription("Each thing wrong with the arguments.") List<FieldError> errors,
      @JsonPropertyDescription("For unknown_tool: the tools there are.") List<String> tools,
      @JsonPropertyDescription("The service's HTTP status, when it refused.") Integer httpStatus,
      @JsonPropertyDescription("For invalid_state: the job's state now.") String currentStatus,
      @JsonPropertyDescription("For invalid_state: the states that allow the call.")
          List<String> allowedStatuses,
      @JsonPropertyDescription("The service's id of the request, for its logs.") String requestId,
      @JsonPropertyDescription(
              "For results_expired: when retention removed the job's results and logs (they do"
                  + " not come back; the job itself stays).")
          Instant expiredAt) {}

  /** The error member every tool's result may carry. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  // Only its schema is used: Schemas.output adds its one property to every output schema.
  public record Failure(
      @JsonPropertyDescription(
              "Present only when the call failed (isError): why, and what to do instead.")
          ToolError error) {}

  /** A job, as a tool reports it. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // No class description: the property that holds it describes it.
  public record JobView(
      @JsonPropertyDescription("The job's id.") String id,
      @JsonPropertyDescription("Its human name.") String displayName,
      @JsonPropertyDescription("Free text about it, as whoever submitted it wrote it.")
          UntrustedJobOutput description,
      @JsonPropertyDescription("The user who submitted it.") String owner,
      @JsonPropertyDescription("Where it is in its lifecycle.") JobStatus status,
      @JsonPropertyDescription("Why it is in that state when it is not running.")
          String statusReason,
      @JsonPropertyDescription("1 (lowest) to 9 (highest).") int priority,
      @JsonPropertyDescription("Who else may see it.") Accessibility accessibility,
      @JsonPropertyDescription("How many processes each attempt runs.") int podCount,
      @JsonPropertyDescription("The argv it runs, when submitted with command (get_job only).")
          List<String> command,
      @JsonPropertyDescription("The script it runs, when submitted with shell (get_job only).")
          String shell,
      @JsonPropertyDescription(
              "Its labels, one key=value a line, as whoever submitted it wrote them.")
          UntrustedJobOutput tags,
      @JsonPropertyDescription("Jobs that must succeed before it starts.") List<String> parents,
      @JsonPropertyDescription("The number of the current or last attempt; 0 before the first.")
          int attempt,
      @JsonPropertyDescription("How many times it is launched at most.") int maxAttempts,
      @JsonPropertyDescription("How long an attempt may run, in seconds.") Integer timeoutSeconds,
      @JsonPropertyDescription("The exit code of each process of the last attempt, when known.")
          List<Integer> exitCodes,
      @JsonPropertyDescription("The error of the latest failed attempt, as the job wrote it.")
          UntrustedJobOutput lastError,
      @JsonPropertyDescription(
              "For a job that FAILED: the end of its first process's log, where the cause"
                  + " usually is (get_job only).")
          UntrustedJobOutput logTail,
      @JsonPropertyDescription("How far the job says it is, when it reports progress.")
          ProgressView progress,
      @JsonPropertyDescription(
              "The numbers the job reports (loss, accuracy, ...), by name. Only names that"
                  + " cannot carry a sentence are shown: at most 32 characters, at most three"
                  + " words joined by _ . / or -.")
          Map<String, Double> metrics,
      @JsonPropertyDescription("How many metrics were left out for their names.")
          Integer metricsLeftOut,
      @JsonPropertyDescription("When it was submitted.") Instant createdAt,
      @JsonPropertyDescription("When its first attempt was launched.") Instant startedAt,
      @JsonPropertyDescription("When it reached an end state.") Instant finishedAt) {}

  /** A job's progress, as a tool reports it: its message is the job's own words. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // No class description: the property that holds it describes it.
  public record ProgressView(
      @JsonPropertyDescription("Percent done, 0 to 100, when the job says.") Double percent,
      @JsonPropertyDescription("What the job says it is doing.") UntrustedJobOutput message,
      @JsonPropertyDescription("When the job last reported.") Instant updatedAt) {}

  /** A line of a job listing. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("A job, in short.")
  public record JobSummary(
      @JsonPropertyDescription("The job's id.") String id,
      @JsonPropertyDescription("Its human name.") String displayName,
      @JsonPropertyDescription("The user who submitted it.") String owner,
      @JsonPropertyDescription("Where it is in its lifecycle.") JobStatus status,
      @JsonPropertyDescription("Why it is in that state when it is not running.")
          String statusReason,
      @JsonPropertyDescription("1 (lowest) to 9 (highest).") int priority,
      @JsonPropertyDescription("When it was submitted.") Instant createdAt,
      @JsonPropertyDescription("When it reached an end state.") Instant finishedAt) {}

  /** What {@code list_jobs} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("One page of jobs, newest first.")
  public record JobList(
      @JsonPropertyDescription("The jobs of this page.") List<JobSummary> jobs,
      @JsonPropertyDescription(
              "Pass this as cursor to read the next page; absent on the last page.")
          String nextCursor) {}

  /** What {@code get_job}, {@code submit_job} and {@code update_job} answer. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The job, as read after the call.")
  public record JobResult(@JsonPropertyDescription("The job.") JobView job) {}

  /** What {@code get_job_logs} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The end of a job's log.")
  public record LogResult(
      @JsonPropertyDescription("The job's id.") String jobId,
      @JsonPropertyDescription("Which process of the job.") int pod,
      @JsonPropertyDescription("The log's whole size in bytes when it was read.") long sizeBytes,
      @JsonPropertyDescription("The end of the log; empty before the first line.")
          UntrustedJobOutput log) {}

  /** One transition of a job. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription(
      "One event of a job: a transition, a rename, a visibility change, a worker's"
          + " acknowledgement or a web terminal session a person opened.")
  public record EventView(
      @JsonPropertyDescription(
              "transition (the state changed), renamed (display_name changed),"
                  + " accessibility_changed, acknowledged (the worker that claimed it"
                  + " acknowledged the claim), terminal_opened or terminal_closed (a person"
                  + " opened or closed a web terminal into a pod; the status did not change).")
          EventKind kind,
      @JsonPropertyDescription("The state it left; absent for its submission.")
          JobStatus fromStatus,
      @JsonPropertyDescription("The state it entered (for other kinds: the state it was in).")
          JobStatus toStatus,
      @JsonPropertyDescription("When.") Instant at,
      @JsonPropertyDescription("Who moved it: a user name, scheduler, executor, ...") String actor,
      @JsonPropertyDescription("What kind of actor that is.") ActorKind actorKind,
      @JsonPropertyDescription("Why, in words.") String reason,
      @JsonPropertyDescription("For a rename or visibility change: the value before.")
          String oldValue,
      @JsonPropertyDescription("For a rename or visibility change: the value after.")
          String newValue) {}

  /** What {@code get_job_events} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("A job's history, oldest first.")
  public record EventList(
      @JsonPropertyDescription("The job's id.") String jobId,
      @JsonPropertyDescription("Its transitions, oldest first.") List<EventView> events,
      @JsonPropertyDescription("How many older transitions were left out by limit.") int omitted) {}

  /** What {@code wait_for_job} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The job when the wait ended, and why it ended.")
  public record WaitResult(
      @JsonPropertyDescription("Whether the job reached one of the states waited for.")
          boolean reached,
      @JsonPropertyDescription("Whether the wait gave up at its timeout_seconds.") boolean timedOut,
      @JsonPropertyDescription(
              "Whether this call returned before timeout_seconds with the job not there yet:"
                  + " call wait_for_job again to keep waiting.")
          boolean stillWaiting,
      @JsonPropertyDescription("How the wait ended, in a sentence.") String message,
      @JsonPropertyDescription("The job as last read.") JobView job) {}

  /** What {@code whoami} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The user the tools act for.")
  public record Identity(
      @JsonPropertyDescription("The user's name.") String name,
      @JsonPropertyDescription("user, admin or worker.") String role,
      @JsonPropertyDescription("serial (one job at a time) or parallel.") String schedulingMode) {}

  /** What {@code list_users} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The service's users.")
  public record UserList(@JsonPropertyDescription("Every user.") List<Identity> users) {}

  /** Where a guarded call stands. */
  public enum GuardedStatus {
    /** Nothing was done: call again with the token; a person will be asked. */
    @JsonProperty("confirmation_required")
    CONFIRMATION_REQUIRED,
    /** The action was executed; see outcome and verified. */
    @JsonProperty("done")
    DONE,
    /** Nothing was done; see outcome and reason. */
    @JsonProperty("refused")
    REFUSED
  }

  /** What a guarded action was found to do, before anything changed. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // No class description: the property that holds it describes it.
  public record PrecheckView(
      @JsonPropertyDescription("stop, delete, flush, submit, create_user or set_scheduling_mode.")
          String action,
      @JsonPropertyDescription("The job; absent when the action is not about one job.")
          String jobId,
      @JsonPropertyDescription("The job's name, or the job to submit's.") String displayName,
      @JsonPropertyDescription("The job's state when read; absent when not about one job.")
          JobStatus status,
      @JsonPropertyDescription("Whether the action is allowed now.") boolean allowed,
      @JsonPropertyDescription("What will happen, in words.") String consequence,
      @JsonPropertyDescription("How many jobs the action hits.") int jobCount,
      @JsonPropertyDescription("The jobs the action hits; the first 20 when there are more.")
          List<String> jobIds) {}

  /** A job a flush left in place. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("A job the flush could not remove.")
  public record SkippedView(
      @JsonPropertyDescription("The job's id.") String id,
      @JsonPropertyDescription("The state it was left in.") JobStatus status,
      @JsonPropertyDescription("Why it survived.") String reason) {}

  /** What a flush did. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // No class description: the property that holds it describes it.
  public record FlushView(
      @JsonPropertyDescription("How many jobs it hit.") int matched,
      @JsonPropertyDescription("How many of them it stopped.") int stopped,
      @JsonPropertyDescription("How many it removed.") int deleted,
      @JsonPropertyDescription(
              "How many model records went with the jobs it removed (a job's models are deleted"
                  + " with it); absent when the flush's answer was lost.")
          Integer removedModels,
      @JsonPropertyDescription(
              "How many result records went with the jobs it removed; absent when the flush's"
                  + " answer was lost.")
          Integer removedResults,
      @JsonPropertyDescription("The jobs that survived.") List<SkippedView> skipped,
      @JsonPropertyDescription(
              "The flush's background operation on the service; follow it with get_operation"
                  + " while operation_status is running.")
          String operationId,
      @JsonPropertyDescription(
              "running (still at work when this call stopped following it), succeeded, failed"
                  + " or interrupted.")
          String operationStatus) {}

  /** What {@code get_operation} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("A flush running (or run) in the background on the service.")
  public record OperationResult(
      @JsonPropertyDescription("The operation's id.") String operationId,
      @JsonPropertyDescription(
              "running, succeeded (ran to its end; skipped names what it could not remove),"
                  + " failed or interrupted (the service stopped under it).")
          String status,
      @JsonPropertyDescription(
              "Whether it is still running: call get_operation again to keep following it.")
          boolean stillRunning,
      @JsonPropertyDescription("Where it stands, in a sentence.") String message,
      @JsonPropertyDescription("active or all.") String scope,
      @JsonPropertyDescription("How many jobs it hit.") int matched,
      @JsonPropertyDescription("How many of them it stopped so far.") int stopped,
      @JsonPropertyDescription("How many it removed so far.") int deleted,
      @JsonPropertyDescription("How many model records went with the jobs it removed so far.")
          int removedModels,
      @JsonPropertyDescription("How many result records went with the jobs it removed so far.")
          int removedResults,
      @JsonPropertyDescription("How many it could not remove.") int skippedCount,
      @JsonPropertyDescription("The jobs it could not remove (the first 20).")
          List<SkippedView> skipped,
      @JsonPropertyDescription("When it was started.") Instant createdAt,
      @JsonPropertyDescription("When it ended; absent while it runs.") Instant finishedAt) {}

  /** What the guarded tools answer: the stops, deletes, flushes, submits and admin writes. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription(
      "Where a guarded call stands: confirmation_required (nothing done yet), done or refused.")
  public record GuardedResult(
      @JsonPropertyDescription(
              "confirmation_required: nothing was done, call again with confirmation_token;"
                  + " done: executed; refused: nothing was done, see outcome and reason.")
          GuardedStatus status,
      @JsonPropertyDescription(
              "How it ended: APPLIED (done and verified), UNVERIFIED (done, end state not seen in"
                  + " time), DECLINED (not confirmed), NOT_ALLOWED_IN_STATE, ALREADY_TERMINAL,"
                  + " RACE_LOST (the job changed; nothing was done), NOT_FOUND (the job is gone,"
                  + " or this key may not see it; nothing was done).")
          OutcomeKind outcome,
      @JsonPropertyDescription(
              "Why it was refused, as a code: declined (the person said no), dismissed (the"
                  + " person closed the question without answering), not_confirmed (the host's"
                  + " confirmer said no), confirmation_unavailable, invalid_token, expired_token,"
                  + " token_already_used, token_for_other_call, state_changed,"
                  + " not_allowed_in_state, already_terminal, not_found.")
          String reason,
      @JsonPropertyDescription("What happened, in a sentence.") String message,
      @JsonPropertyDescription("What the action does, read before anything changed.")
          PrecheckView precheck,
      @JsonPropertyDescription("The question a person is asked before it runs.") String prompt,
      @JsonPropertyDescription(
              "Pass this back, with the same arguments, to execute; a person must still say"
                  + " yes.")
          String confirmationToken,
      @JsonPropertyDescription("When the token stops being accepted.") Instant expiresAt,
      @JsonPropertyDescription(
              "Who said yes: human (elicitation), host or auto; absent when nothing was done.")
          String approvedBy,
      @JsonPropertyDescription("Whether the expected end state was seen.") Boolean verified,
      @JsonPropertyDescription("The job's state at the end; absent when it is gone.")
          JobStatus finalStatus,
      @JsonPropertyDescription("The job as read after a stop or a submit that was executed.")
          JobView job,
      @JsonPropertyDescription("The jobs a pipeline submit made, in the order given.")
          List<JobView> jobs,
      @JsonPropertyDescription("The user as read after an admin action that was executed.")
          Identity user,
      @JsonPropertyDescription("What the flush did.") FlushView flush) {}

  /** An app as {@code list_apps} shows it. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // No class description: the property that holds it describes it.
  public record AppSummary(
      @JsonPropertyDescription("The app's name, to pass as get_app's name or submit_app_job's app.")
          String name,
      @JsonPropertyDescription("Its latest version.") int latestVersion,
      @JsonPropertyDescription("What it does, as the admin who put it wrote it.")
          UntrustedJobOutput description) {}

  /** What {@code list_apps} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The apps the caller may run.")
  public record AppList(
      @JsonPropertyDescription("Every app, by name, at its latest version.")
          List<AppSummary> apps) {}

  /** One version of an app, as {@code get_app} shows it. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  // No class description: the property that holds it describes it.
  public record AppView(
      @JsonPropertyDescription("The app's name.") String name,
      @JsonPropertyDescription("This version.") int version,
      @JsonPropertyDescription("The latest version there is.") int latestVersion,
      @JsonPropertyDescription("What it does, as the admin who put it wrote it.")
          UntrustedJobOutput description,
      @JsonPropertyDescription(
              "The JSON Schema (2020-12) of its parameters: submit_app_job's parameters must"
                  + " match it. An empty object when the app takes no parameters.")
          Map<String, Object> parametersSchema,
      @JsonPropertyDescription("The priority its jobs get unless the submission says.")
          Integer defaultPriority,
      @JsonPropertyDescription("The seconds an attempt of its jobs may run, unless said.")
          Integer defaultTimeoutSeconds,
      @JsonPropertyDescription("The admin who put this version.") String createdBy,
      @JsonPropertyDescription("When this version was put.") Instant createdAt) {}

  /** What {@code get_app} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("One version of an app.")
  public record AppResult(@JsonPropertyDescription("The app.") AppView app) {}

  /** What {@code submit_app_job} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("The job the app's run created.")
  public record AppJobResult(
      @JsonPropertyDescription("The job, usually QUEUED.") JobView job,
      @JsonPropertyDescription("The app it runs.") String app,
      @JsonPropertyDescription("The version of the app it runs.") Integer appVersion,
      @JsonPropertyDescription("Its parameters as the service validated them, defaults filled in.")
          Map<String, Object> parameters) {}
}
