package dev.jobkit.server.api;

import dev.jobkit.sdk.jobs.JobSpec;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The body of {@code POST /api/v1/jobs/batch}: jobs submitted in one transaction, all or none. A
 * job may name another of the batch as a parent by its {@link JobSpec#ref()}. The service's own
 * envelope: SDK users call {@code jobs().submitBatch(specs)} and never see it.
 *
 * @param jobs the jobs, at most 1,000
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record JobBatch(List<JobSpec> jobs) {}
