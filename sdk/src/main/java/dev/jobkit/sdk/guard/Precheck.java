package dev.jobkit.sdk.guard;

import dev.jobkit.sdk.jobs.JobSummary;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a risky action would do, decided from the lifecycle table before anything is changed: the
 * confirmer shows it to a person.
 *
 * <p>{@link #prompt} and {@link #consequence} are safe to show as they are: every name in them came
 * from a job or a model and is quoted, stripped of line breaks and control characters, and cut to
 * 80 characters, so it cannot pass for part of the sentence. The raw values ({@link #displayName},
 * {@link #renamedFrom}, the names of {@link #preview}) are not: quote them with {@link
 * PromptText#quoted} if your own dialog shows them.
 *
 * @param action the {@linkplain Operation#wireName() wire name} of the operation: {@code stop},
 *     {@code delete} or {@code flush} ({@link #operation()} has it typed)
 * @param jobId the job (null for a flush)
 * @param displayName the job's name, as it is (null for a flush)
 * @param status the job's state when it was read (null for a flush)
 * @param allowed whether the lifecycle allows the action now
 * @param consequence what will happen, in the words of a person
 * @param prompt the question to ask, ending in {@code [yes/no]}; null when not allowed
 * @param jobIds for a flush, the jobs it would hit; for one job, that job
 * @param owner the job's owner; for a flush, the one owner whose jobs it is limited to, or null
 * @param submittedAt when the job was submitted (null for a flush)
 * @param renamedFrom the job's name before it was renamed in the last hour, as it was; null if it
 *     was not (or for a flush)
 * @param renamedAt when that rename happened; null when {@code renamedFrom} is
 * @param preview for a flush, the first jobs it would hit with their names, owners and states;
 *     empty for one job
 */
public record Precheck(
    String action,
    String jobId,
    String displayName,
    JobStatus status,
    boolean allowed,
    String consequence,
    String prompt,
    List<String> jobIds,
    String owner,
    Instant submittedAt,
    String renamedFrom,
    Instant renamedAt,
    List<JobSummary> preview) {

  /**
   * A pre-check; null lists are read as empty ones, and both lists are copied, so a pre-check does
   * not change once made.
   *
   * @param action the {@linkplain Operation#wireName() wire name} of the operation: {@code stop},
   *     {@code delete} or {@code flush} ({@link #operation()} has it typed)
   * @param jobId the job (null for a flush)
   * @param displayName the job's name, as it is (null for a flush)
   * @param status the job's state when it was read (null for a flush)
   * @param allowed whether the lifecycle allows the action now
   * @param consequence what will happen, in the words of a person
   * @param prompt the question to ask, ending in {@code [yes/no]}; null when not allowed
   * @param jobIds for a flush, the jobs it would hit; for one job, that job
   * @param owner the job's owner; for a flush, the one owner whose jobs it is limited to, or null
   * @param submittedAt when the job was submitted (null for a flush)
   * @param renamedFrom the job's name before it was renamed in the last hour, as it was; null if it
   *     was not (or for a flush)
   * @param renamedAt when that rename happened; null when {@code renamedFrom} is
   * @param preview for a flush, the first jobs it would hit with their names, owners and states;
   *     empty for one job
   */
  public Precheck {
    jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
    preview = preview == null ? List.of() : List.copyOf(preview);
  }

  /**
   * The operation this pre-check is about, typed: {@link Operation#STOP}, {@link Operation#DELETE}
   * or {@link Operation#FLUSH} for every pre-check the SDK makes. Empty only for a pre-check a
   * client made itself of an action that is not an operation on jobs (the agent tools gate {@code
   * submit} and the admin writes with this same shape).
   *
   * @return the operation of {@link #action()}, or empty when it names none
   */
  public Optional<Operation> operation() {
    return Operation.fromWireName(action);
  }
}
