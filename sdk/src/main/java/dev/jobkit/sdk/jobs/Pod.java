package dev.jobkit.sdk.jobs;

import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One process of a job's current attempt.
 *
 * @param index the pod's index, from 0 to {@code pod_count - 1} ({@code JOBKIT_POD_INDEX})
 * @param status whether it runs or how it ended
 * @param pid the operating-system process id, once known: null for about the first 50 ms of a
 *     {@code RUNNING} attempt, while its processes start and their ids are written; the Slurm job
 *     id when the service runs pods on Slurm (docs/slurm.md)
 * @param exitCode the exit code once it has exited
 * @param startedAt when the process started
 * @param finishedAt when it ended
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Pod(
    int index,
    PodStatus status,
    Long pid,
    Integer exitCode,
    Instant startedAt,
    Instant finishedAt) {}
