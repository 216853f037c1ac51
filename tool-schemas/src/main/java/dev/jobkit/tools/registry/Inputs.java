package dev.jobkit.tools.registry;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.jobkit.sdk.jobs.Accessibility;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The input of every job tool: one record each, whose descriptions and constraints become the
 * tool's input schema. Property names are the API's (snake_case); optional properties may be
 * omitted or null. The user tools' inputs are in {@link UserInputs}; each feature's tools have a
 * class of their own, and the patterns and texts they share are here.
 */
public final class Inputs {

  private Inputs() {}

  /** A job id as the service makes them. */
  static final String JOB_ID = "^job_[0-9A-Za-z]{1,64}$";

  /** An RFC 3339 time with a zone, as the API writes them. */
  static final String DATE_TIME =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$";

  static final String JOB_ID_TEXT = "The job's id, such as job_01jd3k5v8x0m4q7r2t6y9w1z3c.";

  /** What the {@code confirmation_token} of every guarded tool's input says. */
  static final String TOKEN_TEXT =
      "Leave this out (or null) on the first call. Where the client cannot ask the person"
          + " directly, the first call answers status confirmation_required with a prompt and a"
          + " confirmation_token, executing nothing; to execute, call again with exactly the same"
          + " arguments plus that token, and a person then confirms through a channel you cannot"
          + " write to. The token is single-use and expires within two minutes.";

  /** The longest a confirmation token is: short, whatever the number of jobs it binds. */
  public static final int TOKEN_MAX_LENGTH = 64;

  /**
   * How long one {@code wait_for_job} call waits at most: less than the 60 s request timeout MCP
   * clients use by default.
   */
  public static final int WAIT_CALL_LIMIT_SECONDS = 45;

  /**
   * The fields of a job to run, shared by {@code submit_job} and each job of {@code submit_jobs}.
   */
  public interface JobFields {
    /** The argv, or null. */
    List<String> command();

    /** The script, or null. */
    String shell();

    /** The human name, or null. */
    String displayName();

    /** Free text, or null. */
    String description();

    /** 1 to 9, or null. */
    Integer priority();

    /** How many processes, or null. */
    Integer podCount();

    /** Seconds an attempt may run, or null. */
    Integer timeoutSeconds();

    /** Launches at most, or null. */
    Integer maxAttempts();

    /** Labels, or null. */
    List<Tag> tags();

    /** Environment variables, or null. */
    List<EnvVar> env();

    /** Parent job ids (or refs, in a pipeline), or null. */
    List<String> parents();

    /** Who may see it, or null. */
    Accessibility accessibility();
  }

  /** Filters of {@code list_jobs}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which jobs to list; every filter is optional.")
  public record ListJobs(
      @JsonPropertyDescription(
              "Only jobs in any of these states. Names (RUNNING, QUEUED, SUCCEEDED, FAILED,"
                  + " CANCELED, ...), aliases (running, pending, completed, cancelled, ...), or"
                  + " the groups active (every state before the end) and ended (SUCCEEDED, FAILED,"
                  + " CANCELED).")
          @Size(max = 16)
          List<@NotBlank String> status,
      @JsonPropertyDescription("Only this user's jobs; \"me\" for the caller's own.") String owner,
      @JsonPropertyDescription("Only jobs whose display name contains this text, ignoring case.")
          String nameContains,
      @JsonPropertyDescription("Only jobs carrying every one of these tags.") @Size(max = 16)
          List<Tag> tags,
      @JsonPropertyDescription("Only children of this job (its id).") @Pattern(regexp = JOB_ID)
          String parent,
      @JsonPropertyDescription(
              "Only jobs submitted at or after this time, RFC 3339 (2026-05-01T00:00:00Z).")
          @Pattern(regexp = DATE_TIME)
          String createdAfter,
      @JsonPropertyDescription("Only jobs submitted before this time, RFC 3339.")
          @Pattern(regexp = DATE_TIME)
          String createdBefore,
      @JsonPropertyDescription("How many jobs to return, 1 to 100; 20 when left out.")
          @Min(1)
          @Max(100)
          Integer limit,
      @JsonPropertyDescription(
              "The next_cursor of the previous answer, to read the next page; left out for the"
                  + " first page.")
          String cursor) {}

  /** Argument of {@code get_job}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which job to read.")
  public record GetJob(
      @JsonPropertyDescription(JOB_ID_TEXT) @NotNull @Pattern(regexp = JOB_ID) String jobId) {}

  /** A label of a job. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("A key/value label.")
  public record Tag(
      @JsonPropertyDescription("The label's key.") @NotBlank @Size(max = 64) String key,
      @JsonPropertyDescription("The label's value.") @NotNull @Size(max = 256) String value) {}

  /** An environment variable of a job's processes. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("An environment variable for the job's processes.")
  public record EnvVar(
      @JsonPropertyDescription("The variable's name, such as BATCH_SIZE.")
          @NotNull
          @Pattern(regexp = "^[A-Za-z_][A-Za-z0-9_]{0,127}$")
          String name,
      @JsonPropertyDescription("Its value.") @NotNull @Size(max = 4096) String value) {}

  /** What {@code submit_job} runs. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The job to submit. Give exactly one of command and shell.")
  public record SubmitJob(
      @JsonPropertyDescription(
              "The program and its arguments, run without a shell, such as [\"python\","
                  + " \"train.py\", \"--epochs\", \"10\"].")
          @Size(min = 1, max = 256)
          List<@NotNull String> command,
      @JsonPropertyDescription("A script run with /bin/sh -c, such as \"make test && make dist\".")
          @Size(min = 1, max = 65536)
          String shell,
      @JsonPropertyDescription("A short human name for the job; the command when left out.")
          @Size(min = 1, max = 200)
          String displayName,
      @JsonPropertyDescription("Free text about the job.") @Size(max = 2000) String description,
      @JsonPropertyDescription("1 (lowest) to 9 (highest); 5 when left out.") @Min(1) @Max(9)
          Integer priority,
      @JsonPropertyDescription("How many processes to run, 1 to 64; 1 when left out.")
          @Min(1)
          @Max(64)
          Integer podCount,
      @JsonPropertyDescription(
              "How many seconds one attempt may run before it is killed; no limit when left out.")
          @Min(1)
          @Max(2_592_000)
          Integer timeoutSeconds,
      @JsonPropertyDescription("How many times to launch it at most, 1 to 100; 1 when left out.")
          @Min(1)
          @Max(100)
          Integer maxAttempts,
      @JsonPropertyDescription("Labels to find the job by later.") @Size(max = 32) List<Tag> tags,
      @JsonPropertyDescription("Extra environment variables for its processes.") @Size(max = 64)
          List<EnvVar> env,
      @JsonPropertyDescription("Ids of jobs that must succeed before this one starts.")
          @Size(max = 32)
          List<@Pattern(regexp = JOB_ID) String> parents,
      @JsonPropertyDescription("PRIVATE (only the owner sees it, the default) or PUBLIC.")
          Accessibility accessibility,
      @JsonPropertyDescription(
              "Any unique string: calling again with the same key and the same job returns the"
                  + " job already submitted instead of a second one. Use it when retrying.")
          @Size(min = 1, max = 200)
          String idempotencyKey,
      @JsonPropertyDescription(TOKEN_TEXT) @Size(min = 1, max = TOKEN_MAX_LENGTH)
          String confirmationToken)
      implements JobFields {}

  /** One job of a pipeline. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("One job of the pipeline. Give exactly one of command and shell.")
  public record PipelineJob(
      @JsonPropertyDescription(
              "A name for this job within the call, so that later jobs can list it in parents.")
          @Pattern(regexp = "^[A-Za-z0-9_.-]{1,64}$")
          String ref,
      @JsonPropertyDescription("The program and its arguments, run without a shell.")
          @Size(min = 1, max = 256)
          List<@NotNull String> command,
      @JsonPropertyDescription("A script run with /bin/sh -c.") @Size(min = 1, max = 65536)
          String shell,
      @JsonPropertyDescription("A short human name for the job; the command when left out.")
          @Size(min = 1, max = 200)
          String displayName,
      @JsonPropertyDescription("Free text about the job.") @Size(max = 2000) String description,
      @JsonPropertyDescription("1 (lowest) to 9 (highest); 5 when left out.") @Min(1) @Max(9)
          Integer priority,
      @JsonPropertyDescription("How many processes to run, 1 to 64; 1 when left out.")
          @Min(1)
          @Max(64)
          Integer podCount,
      @JsonPropertyDescription(
              "How many seconds one attempt may run before it is killed; no limit when left out.")
          @Min(1)
          @Max(2_592_000)
          Integer timeoutSeconds,
      @JsonPropertyDescription("How many times to launch it at most, 1 to 100; 1 when left out.")
          @Min(1)
          @Max(100)
          Integer maxAttempts,
      @JsonPropertyDescription("Labels to find the job by later.") @Size(max = 32) List<Tag> tags,
      @JsonPropertyDescription("Extra environment variables for its processes.") @Size(max = 64)
          List<EnvVar> env,
      @JsonPropertyDescription(
              "Jobs that must succeed before this one starts: the ref of an earlier job of this"
                  + " call, or the id of an existing job.")
          @Size(max = 32)
          List<@NotBlank @Size(max = 80) String> parents,
      @JsonPropertyDescription("PRIVATE (only the owner sees it, the default) or PUBLIC.")
          Accessibility accessibility)
      implements JobFields {}

  /** What {@code submit_jobs} runs. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The jobs of the pipeline, submitted together: all or none.")
  public record SubmitJobs(
      @JsonPropertyDescription("The jobs, 1 to 100; a job's parents may name earlier refs.")
          @NotNull
          @Size(min = 1, max = 100)
          List<@NotNull PipelineJob> jobs,
      @JsonPropertyDescription(TOKEN_TEXT) @Size(min = 1, max = TOKEN_MAX_LENGTH)
          String confirmationToken) {}

  /** What {@code update_job} changes. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The job and the fields to change; give at least one field.")
  public record UpdateJob(
      @JsonPropertyDescription(JOB_ID_TEXT) @NotNull @Pattern(regexp = JOB_ID) String jobId,
      @JsonPropertyDescription("A new human name.") @Size(min = 1, max = 200) String displayName,
      @JsonPropertyDescription("A new description.") @Size(max = 2000) String description,
      @JsonPropertyDescription("A new priority, 1 (lowest) to 9 (highest).") @Min(1) @Max(9)
          Integer priority,
      @JsonPropertyDescription("PRIVATE or PUBLIC.") Accessibility accessibility,
      @JsonPropertyDescription(
              "A new number of processes, 1 to 64; a running job takes it at its next launch.")
          @Min(1)
          @Max(64)
          Integer podCount) {}

  /** What {@code stop_job} stops. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The job to stop.")
  public record StopJob(
      @JsonPropertyDescription(JOB_ID_TEXT) @NotNull @Pattern(regexp = JOB_ID) String jobId,
      @JsonPropertyDescription(TOKEN_TEXT) @Size(min = 1, max = TOKEN_MAX_LENGTH)
          String confirmationToken) {}

  /** What {@code delete_job} deletes. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("The ended job to delete.")
  public record DeleteJob(
      @JsonPropertyDescription(JOB_ID_TEXT) @NotNull @Pattern(regexp = JOB_ID) String jobId,
      @JsonPropertyDescription(
              "Whether to remove the job's files too; true when left out. False keeps them on"
                  + " disk.")
          Boolean purgeArtifacts,
      @JsonPropertyDescription(TOKEN_TEXT) @Size(min = 1, max = TOKEN_MAX_LENGTH)
          String confirmationToken) {}

  /** Which jobs a flush hits. */
  public enum Scope {
    /** Every job that has not ended. */
    @JsonProperty("active")
    ACTIVE,
    /** Every job. */
    @JsonProperty("all")
    ALL
  }

  /** What {@code flush_jobs} removes. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which jobs to flush.")
  public record FlushJobs(
      @JsonPropertyDescription(
              "active: every job that has not ended (they are stopped first); all: every job.")
          @NotNull
          Scope scope,
      @JsonPropertyDescription("Whether to remove the jobs' files too; true when left out.")
          Boolean purgeArtifacts,
      @JsonPropertyDescription(
              "Whether to remove jobs whose processes could not be confirmed dead; false when"
                  + " left out.")
          Boolean force,
      @JsonPropertyDescription(TOKEN_TEXT) @Size(min = 1, max = TOKEN_MAX_LENGTH)
          String confirmationToken) {}

  /** A flush operation's id as the service makes them: {@code flush_} and a lowercase ULID. */
  public static final String OPERATION_ID = "^flush_[0-9a-z]{26}$";

  /** Which flush operation {@code get_operation} reads. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which flush operation to read, and how long to wait for it to end.")
  public record GetOperation(
      @JsonPropertyDescription(
              "The operation's id (flush_ and 26 letters or digits), as flush_jobs answered it"
                  + " in flush.operation_id.")
          @NotNull
          @Pattern(regexp = OPERATION_ID)
          String operationId,
      @JsonPropertyDescription(
              "How many seconds to wait for it to end, 0 to "
                  + WAIT_CALL_LIMIT_SECONDS
                  + "; "
                  + WAIT_CALL_LIMIT_SECONDS
                  + " when left out, 0 to read it as it is now. When it answers still_running,"
                  + " call again.")
          @Min(0)
          @Max(WAIT_CALL_LIMIT_SECONDS)
          Integer timeoutSeconds) {}

  /** Which log {@code get_job_logs} reads. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which job's log to read, and how much of its end.")
  public record GetJobLogs(
      @JsonPropertyDescription(JOB_ID_TEXT) @NotNull @Pattern(regexp = JOB_ID) String jobId,
      @JsonPropertyDescription("Which process of the job, from 0; 0 when left out.")
          @Min(0)
          @Max(63)
          Integer pod,
      @JsonPropertyDescription(
              "How many characters of the end of the log to return, 1 to 20000; 4000 when left"
                  + " out.")
          @Min(1)
          @Max(20_000)
          Integer maxChars) {}

  /** Which history {@code get_job_events} reads. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which job's transitions to read.")
  public record GetJobEvents(
      @JsonPropertyDescription(JOB_ID_TEXT) @NotNull @Pattern(regexp = JOB_ID) String jobId,
      @JsonPropertyDescription(
              "Return only the latest this many transitions, 1 to 500; 100 when left out.")
          @Min(1)
          @Max(500)
          Integer limit) {}

  /** What {@code wait_for_job} waits for. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which job to wait for, until which state, and for how long.")
  public record WaitForJob(
      @JsonPropertyDescription(JOB_ID_TEXT) @NotNull @Pattern(regexp = JOB_ID) String jobId,
      @JsonPropertyDescription(
              "Wait until the job is in any of these states (names or aliases, such as RUNNING or"
                  + " succeeded); until it has ended (SUCCEEDED, FAILED or CANCELED) when left"
                  + " out.")
          @Size(max = 16)
          List<@NotBlank String> until,
      @JsonPropertyDescription(
              "How many seconds to wait at most, 1 to 300; "
                  + WAIT_CALL_LIMIT_SECONDS
                  + " when left out. One call returns within "
                  + WAIT_CALL_LIMIT_SECONDS
                  + " seconds; when more was asked it answers still_waiting: call again.")
          @Min(1)
          @Max(300)
          Integer timeoutSeconds) {}
}
