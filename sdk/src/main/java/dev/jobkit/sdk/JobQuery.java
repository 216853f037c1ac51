package dev.jobkit.sdk;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The filters of a job listing; every one is optional. Status names may be any alias of {@link
 * JobStatus#parse}.
 *
 * <pre>{@code
 * JobQuery.builder().status(JobStatus.RUNNING).tag("team", "vision").limit(100).build();
 * }</pre>
 *
 * @param statuses any of these states; empty for any state
 * @param owner only this owner's jobs ({@code "me"} for the caller's)
 * @param tags every one of these tags; empty for no tag filter
 * @param nameContains the display name contains this, ignoring case
 * @param parent only children of this job
 * @param app only jobs submitted by this app (any version)
 * @param createdAfter only jobs created after this
 * @param createdBefore only jobs created before this
 * @param limit page size, 1 to 1000 (the service's default is 50)
 * @param cursor the {@code next_cursor} of the previous page
 */
public record JobQuery(
    List<JobStatus> statuses,
    String owner,
    Map<String, String> tags,
    String nameContains,
    String parent,
    String app,
    Instant createdAfter,
    Instant createdBefore,
    Integer limit,
    String cursor) {

  /**
   * A query; null {@code statuses} and {@code tags} are read as empty ones, and both are copied, so
   * it does not change once made.
   *
   * @param statuses any of these states; empty for any state
   * @param owner only this owner's jobs ({@code "me"} for the caller's)
   * @param tags every one of these tags; empty for no tag filter
   * @param nameContains the display name contains this, ignoring case
   * @param parent only children of this job
   * @param app only jobs submitted by this app (any version)
   * @param createdAfter only jobs created after this
   * @param createdBefore only jobs created before this
   * @param limit page size, 1 to 1000 (the service's default is 50)
   * @param cursor the {@code next_cursor} of the previous page
   */
  public JobQuery {
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
    tags =
        tags == null || tags.isEmpty()
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
  }

  /**
   * A query without filters.
   *
   * @return a query of every job the caller may see, newest first
   */
  public static JobQuery all() {
    return builder().build();
  }

  /**
   * Starts a query with no filter; each filter added narrows it.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The same filters, from another page.
   *
   * @param next the {@code next_cursor} of the page before it
   * @return a copy of this query reading the page after that one
   */
  public JobQuery withCursor(String next) {
    return new JobQuery(
        statuses, owner, tags, nameContains, parent, app, createdAfter, createdBefore, limit, next);
  }

  /** The query as request parameters. */
  Map<String, Object> toParameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    if (!statuses.isEmpty()) {
      p.put("status", statuses.stream().map(Enum::name).toList());
    }
    put(p, "owner", owner);
    if (!tags.isEmpty()) {
      p.put("tag", tags.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
    put(p, "name", nameContains);
    put(p, "parent", parent);
    put(p, "app", app);
    put(p, "created_after", createdAfter);
    put(p, "created_before", createdBefore);
    put(p, "limit", limit);
    put(p, "cursor", cursor);
    return p;
  }

  private static void put(Map<String, Object> p, String key, Object value) {
    if (value != null) {
      p.put(key, value.toString());
    }
  }

  /** Builds a {@link JobQuery}. */
  public static final class Builder {
    private final List<JobStatus> statuses = new ArrayList<>();
    private String owner;
    private final Map<String, String> tags = new LinkedHashMap<>();
    private String nameContains;
    private String parent;
    private String app;
    private Instant createdAfter;
    private Instant createdBefore;
    private Integer limit;

    private Builder() {}

    /**
     * Adds states to match: a job in any of them matches.
     *
     * @param statuses the states
     * @return this builder
     */
    public Builder status(JobStatus... statuses) {
      this.statuses.addAll(List.of(statuses));
      return this;
    }

    /**
     * Adds a state by name or alias ({@code "running"}, {@code "cancelled"}).
     *
     * @param nameOrAlias a status's name or alias, in any case
     * @return this builder
     * @throws ValidationException naming {@code status} and the valid values, for an unknown one
     */
    public Builder status(String nameOrAlias) {
      try {
        this.statuses.add(JobStatus.parse(nameOrAlias));
      } catch (IllegalArgumentException unknown) {
        throw ValidationException.beforeSending(
            "the job query is not valid", "status", unknown.getMessage());
      }
      return this;
    }

    /**
     * Only this owner's jobs.
     *
     * @param owner a user's name; {@code "me"} for the caller's
     * @return this builder
     */
    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    /**
     * Only jobs with this tag; every tag given must match. A second value for the same key replaces
     * the first.
     *
     * @param key the tag's name
     * @param value the value it must have
     * @return this builder
     */
    public Builder tag(String key, String value) {
      this.tags.put(key, value);
      return this;
    }

    /**
     * Only jobs whose display name contains {@code text}, ignoring case.
     *
     * @param text part of a display name
     * @return this builder
     */
    public Builder nameContains(String text) {
      this.nameContains = text;
      return this;
    }

    /**
     * Only children of this job: jobs that list it among their parents.
     *
     * @param jobId the parent's id
     * @return this builder
     */
    public Builder parent(String jobId) {
      this.parent = jobId;
      return this;
    }

    /**
     * Only jobs submitted by this app, whatever its version.
     *
     * @param name the app's name
     * @return this builder
     */
    public Builder app(String name) {
      this.app = name;
      return this;
    }

    /**
     * Only jobs created after this time.
     *
     * @param time the earliest creation time, not included
     * @return this builder
     */
    public Builder createdAfter(Instant time) {
      this.createdAfter = time;
      return this;
    }

    /**
     * Only jobs created before this time.
     *
     * @param time the latest creation time, not included
     * @return this builder
     */
    public Builder createdBefore(Instant time) {
      this.createdBefore = time;
      return this;
    }

    /**
     * How many jobs a page holds; the service's default is 50. It does not limit how many {@code
     * listAll} streams, which reads page after page.
     *
     * @param limit 1 to 1000
     * @return this builder
     */
    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    /**
     * The query as set so far.
     *
     * @return the query, reading the first page; the service validates it when it is sent
     */
    public JobQuery build() {
      return new JobQuery(
          statuses,
          owner,
          tags,
          nameContains,
          parent,
          app,
          createdAfter,
          createdBefore,
          limit,
          null);
    }
  }
}
