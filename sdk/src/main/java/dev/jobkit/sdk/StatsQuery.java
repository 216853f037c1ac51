package dev.jobkit.sdk;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link JobkitClient#stats} counts: the jobs created in {@code [from, to)}, grouped or not,
 * of one owner (an admin's choice; a user's statistics are always of their own jobs) and one app.
 * Every part is optional.
 *
 * <pre>{@code
 * StatsQuery.builder().since(Duration.ofDays(7)).groupBy(StatsQuery.GroupBy.APP).build();
 * }</pre>
 *
 * @param from only jobs created at or after this, or null
 * @param to only jobs created before this, or null
 * @param groupBy the groups to give figures for besides the total, or null
 * @param owner only this owner's jobs (admins; {@code "me"} for the caller's), or null
 * @param app only this app's jobs, or null
 */
public record StatsQuery(Instant from, Instant to, GroupBy groupBy, String owner, String app) {

  /** What the figures are grouped by. */
  public enum GroupBy {
    /** The jobs' owners. */
    USER,
    /** The jobs' apps (a group of no app, whose key is null, for the rest). */
    APP,
    /** The jobs' states. */
    STATUS
  }

  /**
   * The figures of every job the caller's statistics cover, not grouped.
   *
   * @return a query without a range or groups
   */
  public static StatsQuery all() {
    return builder().build();
  }

  /**
   * Starts a query of every job, not grouped.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The query as request parameters. */
  Map<String, Object> toParameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    if (from != null) {
      p.put("from", from.toString());
    }
    if (to != null) {
      p.put("to", to.toString());
    }
    if (groupBy != null) {
      p.put("group_by", groupBy.name().toLowerCase(Locale.ROOT));
    }
    if (owner != null) {
      p.put("owner", owner);
    }
    if (app != null) {
      p.put("app", app);
    }
    return p;
  }

  /** Builds a {@link StatsQuery}. */
  public static final class Builder {
    private Instant from;
    private Instant to;
    private GroupBy groupBy;
    private String owner;
    private String app;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Only jobs created at or after this time.
     *
     * @param time the start of the range, included
     * @return this builder
     */
    public Builder from(Instant time) {
      this.from = time;
      return this;
    }

    /**
     * Only jobs created before this time.
     *
     * @param time the end of the range, not included
     * @return this builder
     */
    public Builder to(Instant time) {
      this.to = time;
      return this;
    }

    /**
     * Only jobs created in the last {@code period}: {@code from} is now less it.
     *
     * @param period how far back, such as {@code Duration.ofDays(7)}
     * @return this builder
     */
    public Builder since(Duration period) {
      this.from = clock.instant().minus(period);
      return this;
    }

    /**
     * Figures per group besides the total.
     *
     * @param groupBy users, apps or states
     * @return this builder
     */
    public Builder groupBy(GroupBy groupBy) {
      this.groupBy = groupBy;
      return this;
    }

    /**
     * Only this owner's jobs; a user other than an admin may name only themselves.
     *
     * @param owner a user's name, or {@code "me"}
     * @return this builder
     */
    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    /**
     * Only jobs of this app.
     *
     * @param app the app's name
     * @return this builder
     */
    public Builder app(String app) {
      this.app = app;
      return this;
    }

    /**
     * The query as set so far.
     *
     * @return the query; the service validates it when it is sent
     */
    public StatsQuery build() {
      return new StatsQuery(from, to, groupBy, owner, app);
    }
  }
}
