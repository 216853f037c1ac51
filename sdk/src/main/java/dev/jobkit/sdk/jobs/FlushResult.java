package dev.jobkit.sdk.jobs;

import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What a flush did, or with {@code dry_run}, what it would do.
 *
 * @param scope {@code active} or {@code all}
 * @param dryRun true when nothing was changed
 * @param matched how many jobs the flush hit
 * @param stopped how many of them it stopped
 * @param deleted how many it removed
 * @param jobIds the ids of the jobs it hit (or would hit)
 * @param skipped the jobs that survived, each with its state and reason
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FlushResult(
    String scope,
    boolean dryRun,
    int matched,
    int stopped,
    int deleted,
    List<String> jobIds,
    List<SkippedJob> skipped) {}
