package dev.jobkit.server.store;

import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.JobkitProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The services running on this database, a row each in {@code services} (V29): which jobs are
 * whose, and which service is dead so that its jobs must be recovered by another.
 *
 * <p>A service adds its row at its start ({@link ServiceLease}), renews it every third of {@code
 * jobkit.datasource.lease-ttl} and ends it when it stops. Every job its local executor claims
 * carries its id ({@code jobs.service_id}). A service is dead when its row ended, expired (not
 * renewed within the TTL, on the database's clock), or names a process of this host that is gone (a
 * {@code kill -9}, seen at once). The first service to end a dead row ({@link #endDead}) is the one
 * that recovers its jobs: ending is a compare-and-swap, so no job is recovered twice.
 *
 * <p>On the embedded H2 database one service runs at a time (the database file is locked), so every
 * other row is a previous run's, dead whatever it says.
 */
@Component
public class ServiceMembers {

  /** A service's row. */
  public record Member(
      String id,
      Long pid,
      String host,
      Instant processStartedAt,
      String dataDir,
      Instant expiresAt,
      Instant endedAt) {

    LeaseHolder holder() {
      return new LeaseHolder(id, pid, host, processStartedAt, dataDir, null, null, expiresAt);
    }
  }

  private final JdbcClient jdbc;
  private final boolean shared;
  private final boolean postgres;
  private final String self = "svc_" + UUID.randomUUID().toString().replace("-", "");

  // Its own client on the data source: Flyway runs through ServiceLease, which adds this service's
  // row, so this comes before the context's JdbcClient (which waits for the migration).
  // Told by the configured URL, not by a connection: on an embedded database that another process
  // has open, the first connection fails, and ServiceLease must be the one to report it.
  ServiceMembers(DataSource dataSource, JobkitProperties properties) {
    this.jdbc = JdbcClient.create(dataSource);
    String url = properties.datasource().url();
    this.postgres = url != null && url.startsWith("jdbc:postgresql:");
    if (properties.datasource().shared() && !postgres) {
      throw new IllegalStateException(
          "jobkit.datasource.shared=true needs a PostgreSQL database"
              + " (jobkit.datasource.url=jdbc:postgresql://…): the embedded H2 database is one"
              + " service's");
    }
    this.shared = properties.datasource().shared();
  }

  /** This service's id, in its row and in the {@code service_id} of the jobs it claims. */
  public String self() {
    return self;
  }

  /**
   * Whether other services share this database ({@code jobkit.datasource.shared}, PostgreSQL only)
   * or it is this service's alone.
   */
  public boolean shared() {
    return shared;
  }

  /** Adds this service's row, live until {@code now + ttl}. */
  void join(LeaseHolder holder, Instant now, Duration ttl) {
    jdbc.sql(
            "INSERT INTO services (id, pid, host, process_started_at, data_dir, started_at,"
                + " renewed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            self,
            holder.pid(),
            holder.host(),
            utc(holder.processStartedAt()),
            holder.dataDir(),
            utc(now),
            utc(now),
            utc(now.plus(ttl)))
        .update();
  }

  /** Renews this service's row; false when another service ended it (found it dead). */
  boolean renew(Instant now, Duration ttl) {
    return jdbc.sql(
                "UPDATE services SET renewed_at = ?, expires_at = ? WHERE id = ? AND ended_at IS NULL")
            .params(utc(now), utc(now.plus(ttl)), self)
            .update()
        == 1;
  }

  /** Ends this service's row as it stops. */
  void leave(Instant now, String why) {
    jdbc.sql("UPDATE services SET ended_at = ?, ended_why = ? WHERE id = ? AND ended_at IS NULL")
        .params(utc(now), why, self)
        .update();
  }

  /** Who ended this service's row, when another did: the reason it wrote. */
  Optional<String> endedWhy() {
    return jdbc.sql("SELECT ended_why FROM services WHERE id = ?")
        .param(self)
        .query(String.class)
        .optional();
  }

  /** The ids of the other services that are alive now (none where the database is not shared). */
  public Set<String> liveOthers() {
    if (!shared) {
      return Set.of();
    }
    return liveOtherRows();
  }

  /**
   * The other services whose rows are alive now, whatever this service's setting: on PostgreSQL, a
   * service that would hold the database alone is refused while others share it.
   */
  Set<String> liveOtherRows() {
    if (!postgres) {
      return Set.of();
    }
    String host = ServiceLease.hostName();
    Instant now = databaseNow();
    Set<String> live = new HashSet<>();
    for (Member m : notEnded()) {
      if (!m.id().equals(self) && !m.expiresAt().isBefore(now) && !m.holder().goneFrom(host)) {
        live.add(m.id());
      }
    }
    return live;
  }

  /**
   * Ends the rows of the services that are dead and not ended yet (expired, or gone from this host;
   * on H2 every other row), each with {@code why}; returns the ones this call ended, whose jobs
   * this service must now recover.
   */
  public List<Member> endDead(String why) {
    String host = ServiceLease.hostName();
    Instant now = databaseNow();
    List<Member> ended = new ArrayList<>();
    for (Member m : notEnded()) {
      if (m.id().equals(self)) {
        continue;
      }
      boolean dead = !shared || m.expiresAt().isBefore(now) || m.holder().goneFrom(host);
      if (dead
          && jdbc.sql(
                      "UPDATE services SET ended_at = ?, ended_why = ? WHERE id = ? AND ended_at IS"
                          + " NULL")
                  .params(utc(now), why, m.id())
                  .update()
              == 1) {
        ended.add(m);
      }
    }
    return ended;
  }

  /** A service's row, ended or not. */
  public Optional<Member> member(String id) {
    return jdbc.sql("SELECT * FROM services WHERE id = ?")
        .param(id)
        .query((rs, n) -> member(rs))
        .optional();
  }

  /**
   * The jobs in one of {@code statuses} that the local executor of no live service holds: not an
   * external worker's, and claimed by this service, by a service that is not alive, or by none
   * (claimed before V29). The caller tells apart this service's own, which it may still follow.
   */
  public List<String> jobsOfNoLiveService(Collection<JobStatus> statuses) {
    if (statuses.isEmpty()) {
      return List.of();
    }
    Set<String> live = liveOthers();
    List<Object> params = new ArrayList<>();
    statuses.forEach(s -> params.add(s.name()));
    StringBuilder sql =
        new StringBuilder("SELECT id FROM jobs WHERE worker_id IS NULL AND status IN (")
            .append(String.join(", ", Collections.nCopies(statuses.size(), "?")))
            .append(")");
    if (!live.isEmpty()) {
      sql.append(" AND (service_id IS NULL OR service_id NOT IN (")
          .append(String.join(", ", Collections.nCopies(live.size(), "?")))
          .append("))");
      params.addAll(live);
    }
    sql.append(" ORDER BY seq");
    return jdbc.sql(sql.toString()).params(params).query(String.class).list();
  }

  /** The service a job's attempt runs on, if a service's local executor claimed it. */
  public Optional<String> serviceOf(String jobId) {
    return jdbc.sql("SELECT service_id FROM jobs WHERE id = ?")
        .param(jobId)
        .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
        .optional()
        .flatMap(s -> s);
  }

  /**
   * Whether the job's attempt runs on another service's executor, which alone can signal its
   * processes (never on H2, where this service runs every job).
   */
  public boolean runsElsewhere(String jobId) {
    return shared && serviceOf(jobId).filter(s -> !s.equals(self)).isPresent();
  }

  /** Makes this service the one that runs the job's attempt (one it adopted from a dead one). */
  public void takeOver(String jobId) {
    jdbc.sql("UPDATE jobs SET service_id = ? WHERE id = ?").params(self, jobId).update();
  }

  private List<Member> notEnded() {
    return jdbc.sql("SELECT * FROM services WHERE ended_at IS NULL")
        .query((rs, n) -> member(rs))
        .list();
  }

  private static Member member(ResultSet rs) throws SQLException {
    return new Member(
        rs.getString("id"),
        rs.getObject("pid", Long.class),
        rs.getString("host"),
        instant(rs, "process_started_at"),
        rs.getString("data_dir"),
        instant(rs, "expires_at"),
        instant(rs, "ended_at"));
  }

  /** The database's clock: every service measures the rows' TTL on the same one. */
  Instant databaseNow() {
    return jdbc.sql("SELECT CURRENT_TIMESTAMP")
        .query((rs, n) -> rs.getObject(1, OffsetDateTime.class).toInstant())
        .single();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
