package dev.jobkit.server.store;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The filters of a job listing, already validated.
 *
 * @param viewer the caller; their own jobs and public ones are visible, all jobs for an admin
 * @param viewerIsAdmin whether the caller is an admin
 * @param statuses any of these states; empty for all
 * @param owner only this owner's jobs, or null
 * @param tags every one of these tags
 * @param nameContains the display name contains this, ignoring case, or null
 * @param parent only children of this job, or null
 * @param app only jobs submitted by this app, or null
 * @param createdAfter only jobs created after this, or null
 * @param createdBefore only jobs created before this, or null
 * @param beforeSeq keyset cursor: only jobs older than this sequence number, or null
 * @param limit page size
 */
public record JobQuery(
    String viewer,
    boolean viewerIsAdmin,
    Set<JobStatus> statuses,
    String owner,
    Map<String, String> tags,
    String nameContains,
    String parent,
    String app,
    Instant createdAfter,
    Instant createdBefore,
    Long beforeSeq,
    int limit) {

  /** A query that visits every job an admin can see, for internal sweeps and flush. */
  public static JobQuery all(String viewer, boolean admin, Set<JobStatus> statuses, String owner) {
    return new JobQuery(
        viewer,
        admin,
        statuses,
        owner,
        Map.of(),
        null,
        null,
        null,
        null,
        null,
        null,
        Integer.MAX_VALUE);
  }
}
