package dev.jobkit.sdk.guard;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.util.List;

/**
 * What a risky action would do, decided from the lifecycle table before anything is changed: the
 * confirmer shows it to a person.
 *
 * @param action {@code stop}, {@code delete} or {@code flush}
 * @param jobId the job (null for a flush)
 * @param displayName the job's name (null for a flush)
 * @param status the job's state when it was read (null for a flush)
 * @param allowed whether the lifecycle allows the action now
 * @param consequence what will happen, in the words of a person
 * @param prompt the question to ask, ending in {@code [yes/no]}; null when not allowed
 * @param jobIds for a flush, the jobs it would hit; for one job, that job
 */
public record Precheck(
    String action,
    String jobId,
    String displayName,
    JobStatus status,
    boolean allowed,
    String consequence,
    String prompt,
    List<String> jobIds) {}
