package dev.jobkit.sdk.jobs;

import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The body of {@code POST /api/v1/jobs/batch}: jobs submitted in one transaction, all or none. A
 * job may name another of the batch as a parent by its {@link JobSpec#ref()}.
 *
 * <pre>{@code
 * new JobBatch(List.of(
 *     JobSpec.builder().ref("prep").shell("./prepare.sh").build(),
 *     JobSpec.builder().command("python", "train.py").parents("prep").build()));
 * }</pre>
 *
 * @param jobs the jobs, at most 1,000
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobBatch(List<JobSpec> jobs) {}
