package dev.jobkit.server.store;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The filters that select jobs, already validated: the ones of a listing ({@code GET
 * /api/v1/jobs}), which a flush takes too, so that a flush hits what a listing with the same
 * filters shows (of the jobs the caller may change).
 *
 * @param statuses any of these states; empty for all
 * @param owner only this owner's jobs ({@code me} already read as the caller's name), or null
 * @param tags every one of these tags
 * @param nameContains the display name contains this, ignoring case, or null
 * @param parent only children of this job, or null
 * @param app only jobs submitted by this app (any version), or null
 * @param createdAfter only jobs created after this, or null
 * @param createdBefore only jobs created before this, or null
 */
public record JobFilter(
    Set<JobStatus> statuses,
    String owner,
    Map<String, String> tags,
    String nameContains,
    String parent,
    String app,
    Instant createdAfter,
    Instant createdBefore) {

  /** A filter; its sets and maps are copied. */
  public JobFilter {
    statuses = Set.copyOf(statuses);
    tags = Map.copyOf(tags);
  }

  /** No filter: every job. */
  public static JobFilter none() {
    return new JobFilter(Set.of(), null, Map.of(), null, null, null, null, null);
  }

  /** The same filter for one owner (or none). */
  public JobFilter withOwner(String owner) {
    return new JobFilter(
        statuses, owner, tags, nameContains, parent, app, createdAfter, createdBefore);
  }

  /** The same filter for these states instead. */
  public JobFilter withStatuses(Set<JobStatus> statuses) {
    return new JobFilter(
        statuses, owner, tags, nameContains, parent, app, createdAfter, createdBefore);
  }

  /** The listing of the jobs this filter selects that {@code viewer} may see. */
  public JobQuery query(String viewer, boolean viewerIsAdmin, Long beforeSeq, int limit) {
    return new JobQuery(
        viewer,
        viewerIsAdmin,
        statuses,
        owner,
        tags,
        nameContains,
        parent,
        app,
        createdAfter,
        createdBefore,
        beforeSeq,
        limit);
  }

  /**
   * The filter as one canonical text (states and tags sorted): the same filter always gives the
   * same text, whatever order its values came in. For telling requests apart.
   */
  public String canonical() {
    return String.join(
        "\n",
        new java.util.TreeSet<>(statuses.stream().map(Enum::name).toList()).toString(),
        String.valueOf(owner),
        new TreeMap<>(tags).toString(),
        String.valueOf(nameContains),
        String.valueOf(parent),
        String.valueOf(app),
        String.valueOf(createdAfter),
        String.valueOf(createdBefore));
  }
}
