package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.instant;
import static dev.jobkit.server.store.SqlValues.marks;
import static dev.jobkit.server.store.SqlValues.utc;

import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.store.JobStore.Candidate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The external workers ({@code workers}) and the queries on jobs by the worker that holds them
 * ({@code jobs.worker_id}, NULL for the service's own local executor). A worker's row is written
 * without an event and outside the job store's serialized writes: it is no job's history. The jobs'
 * statuses change only through {@link JobStore#transition}.
 */
@Repository
public class WorkerStore {

  /** A registered worker; {@code endedAt} is set once it deregistered or expired. */
  public record StoredWorker(
      String id,
      String name,
      String registeredBy,
      int slots,
      List<String> apps,
      String host,
      Instant registeredAt,
      Instant lastHeartbeatAt,
      Instant expiresAt,
      Instant endedAt,
      String endedWhy) {}

  /** A job held by an external worker. */
  public record HeldJob(String id, String owner, String workerId) {}

  /** A launched job of an external worker with a timeout: when its current attempt started. */
  public record TimedJob(String id, int attempt, int timeoutSeconds, Instant attemptStartedAt) {}

  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
  private static final List<JobStatus> IN_FLIGHT =
      Arrays.stream(JobStatus.values()).filter(JobStatus::isInFlight).toList();
  private static final List<JobStatus> LAUNCHED =
      Arrays.stream(JobStatus.values())
          .filter(s -> s.isLaunched() && s != JobStatus.CANCEL_REQUESTED)
          .toList();

  private final JdbcClient jdbc;
  private final JsonMapper json = JsonMapper.builder().build();

  WorkerStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void insert(StoredWorker w) {
    jdbc.sql(
            "INSERT INTO workers (id, name, registered_by, slots, apps, host, registered_at,"
                + " last_heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            w.id(),
            w.name(),
            w.registeredBy(),
            w.slots(),
            json.writeValueAsString(w.apps()),
            w.host(),
            utc(w.registeredAt()),
            utc(w.lastHeartbeatAt()),
            utc(w.expiresAt()))
        .update();
  }

  public Optional<StoredWorker> find(String id) {
    return jdbc.sql("SELECT * FROM workers WHERE id = ?")
        .param(id)
        .query((rs, n) -> worker(rs))
        .optional();
  }

  /** The live workers (not ended), oldest first; of one account, or of all when it is null. */
  public List<StoredWorker> live(String registeredBy) {
    String sql = "SELECT * FROM workers WHERE ended_at IS NULL";
    List<Object> params = new ArrayList<>();
    if (registeredBy != null) {
      sql += " AND registered_by = ?";
      params.add(registeredBy);
    }
    return jdbc.sql(sql + " ORDER BY registered_at, id")
        .params(params)
        .query((rs, n) -> worker(rs))
        .list();
  }

  /**
   * Renews a live worker's claims until {@code expiresAt}; false if it ended or its claims had
   * expired by {@code now} (the sweep ends it soon, if it has not yet).
   */
  public boolean renew(String id, Instant now, Instant expiresAt) {
    return jdbc.sql(
                "UPDATE workers SET last_heartbeat_at = ?, expires_at = ?"
                    + " WHERE id = ? AND ended_at IS NULL AND expires_at >= ?")
            .params(utc(now), utc(expiresAt), id, utc(now))
            .update()
        > 0;
  }

  /**
   * Gives every live worker until {@code until} at least: while the service was down, none could
   * send a heartbeat.
   */
  public void extendLive(Instant until) {
    jdbc.sql("UPDATE workers SET expires_at = ? WHERE ended_at IS NULL AND expires_at < ?")
        .params(utc(until), utc(until))
        .update();
  }

  /** Ends a live worker; false if it had ended already (only one caller releases its claims). */
  public boolean end(String id, Instant at, String why) {
    return jdbc.sql(
                "UPDATE workers SET ended_at = ?, ended_why = ? WHERE id = ? AND ended_at IS NULL")
            .params(utc(at), StoredText.cut(why, 1000), id)
            .update()
        > 0;
  }

  /**
   * Ends a live worker whose claims expired before {@code now}; false if it had ended, or renewed
   * its claims meanwhile (a heartbeat and the expiry never both apply).
   */
  public boolean endIfExpired(String id, Instant now, String why) {
    return jdbc.sql(
                "UPDATE workers SET ended_at = ?, ended_why = ?"
                    + " WHERE id = ? AND ended_at IS NULL AND expires_at < ?")
            .params(utc(now), StoredText.cut(why, 1000), id, utc(now))
            .update()
        > 0;
  }

  /** A job in flight on a worker that has ended (a claim or a report that raced its end). */
  public record Orphan(String jobId, String workerId, String why) {}

  /** The jobs still in flight on workers that have ended. */
  public List<Orphan> orphans() {
    return jdbc.sql(
            "SELECT j.id, j.worker_id, w.ended_why FROM jobs j JOIN workers w ON w.id = j.worker_id"
                + " WHERE w.ended_at IS NOT NULL AND j.status IN ("
                + marks(IN_FLIGHT)
                + ")")
        .params(JdbcJobStore.names(IN_FLIGHT))
        .query((rs, n) -> new Orphan(rs.getString(1), rs.getString(2), rs.getString(3)))
        .list();
  }

  /** A job an external worker claimed and has not acknowledged. */
  public record Unacknowledged(String jobId, String workerId) {}

  /**
   * The jobs still {@code CLAIMED} by external workers, claimed before {@code claimedBefore} and
   * not acknowledged since.
   */
  public List<Unacknowledged> unacknowledged(Instant claimedBefore) {
    return jdbc.sql(
            "SELECT j.id, j.worker_id FROM jobs j WHERE j.worker_id IS NOT NULL AND j.status = ?"
                + " AND j.updated_at < ? AND NOT EXISTS (SELECT 1 FROM job_events e"
                + " WHERE e.job_id = j.id AND e.kind = ? AND e.at >= j.updated_at)")
        .params(
            JobStatus.CLAIMED.name(),
            utc(claimedBefore),
            dev.jobkit.sdk.jobs.EventKind.ACKNOWLEDGED.wireName())
        .query((rs, n) -> new Unacknowledged(rs.getString(1), rs.getString(2)))
        .list();
  }

  /** The live workers whose claims expired before {@code now}. */
  public List<String> expired(Instant now) {
    return jdbc.sql("SELECT id FROM workers WHERE ended_at IS NULL AND expires_at < ?")
        .param(utc(now))
        .query(String.class)
        .list();
  }

  /** The worker that holds (or last held) the job; empty for the local executor or no job. */
  public Optional<String> workerOf(String jobId) {
    return jdbc.sql("SELECT worker_id FROM jobs WHERE id = ?")
        .param(jobId)
        .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
        .optional()
        .flatMap(o -> o);
  }

  /** The worker's jobs in any of these states, oldest first. */
  public List<String> jobsOf(String workerId, Collection<JobStatus> statuses) {
    List<Object> params = new ArrayList<>(List.of(workerId));
    statuses.forEach(s -> params.add(s.name()));
    return jdbc.sql(
            "SELECT id FROM jobs WHERE worker_id = ? AND status IN ("
                + marks(statuses)
                + ") ORDER BY seq")
        .params(params)
        .query(String.class)
        .list();
  }

  /** The worker's jobs canceled at or after {@code since}. */
  public List<String> canceledSince(String workerId, Instant since) {
    return jdbc.sql(
            "SELECT id FROM jobs WHERE worker_id = ? AND status = ? AND finished_at >= ?"
                + " ORDER BY seq")
        .params(workerId, JobStatus.CANCELED.name(), utc(since))
        .query(String.class)
        .list();
  }

  /** Every job in flight on an external worker. */
  public List<HeldJob> heldByWorkers() {
    return jdbc.sql(
            "SELECT id, owner, worker_id FROM jobs WHERE worker_id IS NOT NULL AND status IN ("
                + marks(IN_FLIGHT)
                + ")")
        .params(JdbcJobStore.names(IN_FLIGHT))
        .query((rs, n) -> new HeldJob(rs.getString(1), rs.getString(2), rs.getString(3)))
        .list();
  }

  /** The ids of {@link #heldByWorkers()}. */
  public Set<String> idsHeldByWorkers() {
    Set<String> ids = new HashSet<>();
    heldByWorkers().forEach(j -> ids.add(j.id()));
    return ids;
  }

  /** The launched jobs of external workers that have a timeout, with their attempt's start. */
  public List<TimedJob> launchedWithTimeout() {
    List<Object> params = new ArrayList<>(JdbcJobStore.names(LAUNCHED));
    return jdbc.sql(
            "SELECT j.id, j.attempt, j.timeout_seconds, a.started_at FROM jobs j"
                + " JOIN job_attempts a ON a.job_id = j.id AND a.number = j.attempt"
                + " WHERE j.worker_id IS NOT NULL AND j.timeout_seconds IS NOT NULL"
                + " AND j.status IN ("
                + marks(LAUNCHED)
                + ")")
        .params(params)
        .query(
            (rs, n) ->
                new TimedJob(
                    rs.getString(1), rs.getInt(2), rs.getInt(3), instant(rs, "started_at")))
        .list();
  }

  /** Every owner with a claimable job (of one of these apps, when {@code apps} is not empty). */
  public Set<String> ownersWithClaimableJobs(Collection<String> apps) {
    List<Object> params = new ArrayList<>(JdbcJobStore.names(JdbcJobStore.CLAIMABLE));
    String sql =
        "SELECT DISTINCT owner FROM jobs WHERE status IN ("
            + marks(JdbcJobStore.CLAIMABLE)
            + ") AND service_only = FALSE";
    if (!apps.isEmpty()) {
      sql += " AND app IN (" + marks(apps) + ")";
      params.addAll(apps);
    }
    return new HashSet<>(jdbc.sql(sql).params(params).query(String.class).list());
  }

  /**
   * The owner's next claimable job by priority then age, of one of these apps when {@code apps} is
   * not empty: the dispatcher's lookup ({@link JobStore#nextClaimable}) with the app filter.
   */
  public Optional<Candidate> nextClaimable(String owner, Collection<String> apps) {
    Candidate best = null;
    for (JobStatus status : JdbcJobStore.CLAIMABLE) {
      List<Object> params = new ArrayList<>(List.of(owner, status.name()));
      String filter = "";
      if (!apps.isEmpty()) {
        filter = " AND app IN (" + marks(apps) + ")";
        params.addAll(apps);
      }
      Optional<Candidate> head =
          jdbc.sql(
                  "SELECT id, owner, priority, seq, pod_count FROM jobs"
                      + " WHERE owner = ? AND status = ? AND service_only = FALSE"
                      + filter
                      + " ORDER BY owner, status, priority DESC, seq LIMIT 1")
              .params(params)
              .query((rs, n) -> RowMappers.candidate(rs))
              .optional();
      if (head.isPresent()
          && (best == null || Candidate.QUEUE_ORDER.compare(head.get(), best) < 0)) {
        best = head.get();
      }
    }
    return Optional.ofNullable(best);
  }

  private StoredWorker worker(ResultSet rs) throws SQLException {
    return new StoredWorker(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("registered_by"),
        rs.getInt("slots"),
        json.readValue(rs.getString("apps"), STRING_LIST),
        rs.getString("host"),
        instant(rs, "registered_at"),
        instant(rs, "last_heartbeat_at"),
        instant(rs, "expires_at"),
        instant(rs, "ended_at"),
        rs.getString("ended_why"));
  }
}
