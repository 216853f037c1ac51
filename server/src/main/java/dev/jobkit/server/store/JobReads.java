package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.marks;

import dev.jobkit.sdk.jobs.Attempt;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.Pod;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.store.JobStore.Candidate;
import dev.jobkit.server.store.JobStore.IdempotencyRecord;
import dev.jobkit.server.store.JobStore.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The reads of {@link JdbcJobStore}: none takes the write lock. The ones a write makes run in its
 * transaction, and under its lock see nothing move.
 */
final class JobReads {

  private final JdbcClient jdbc;
  private final boolean postgres;

  JobReads(JdbcClient jdbc, boolean postgres) {
    this.jdbc = jdbc;
    this.postgres = postgres;
  }

  /** The owner's jobs that have not ended: waiting to start or in flight. */
  long activeJobs(String owner) {
    return countOf(owner, JdbcJobStore.ACTIVE);
  }

  long waitingToStart(String owner) {
    return countOf(owner, JdbcJobStore.WAITING);
  }

  private long countOf(String owner, List<JobStatus> statuses) {
    // One range of the jobs_queue index (owner, status, ...) per state.
    List<Object> params = new ArrayList<>(List.of(owner));
    params.addAll(JdbcJobStore.names(statuses));
    return jdbc.sql(
            "SELECT COUNT(*) FROM jobs WHERE owner = ? AND status IN (" + marks(statuses) + ")")
        .params(params)
        .query(Long.class)
        .single();
  }

  List<Job> findAll(List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, JobRow> rows =
        jdbc
            .sql("SELECT " + RowMappers.JOB_COLUMNS + " FROM jobs WHERE id IN (" + marks(ids) + ")")
            .params(ids)
            .query((rs, n) -> RowMappers.job(rs))
            .list()
            .stream()
            .collect(Collectors.toMap(JobRow::id, Function.identity()));
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<String, List<Pod>> pods = byJob("job_pods", "pod_index", ids, RowMappers::pod);
    Map<String, List<Attempt>> attempts = byJob("job_attempts", "number", ids, RowMappers::attempt);
    return ids.stream()
        .map(rows::get)
        .filter(row -> row != null)
        .map(
            row ->
                row.toJob(
                    pods.getOrDefault(row.id(), List.of()),
                    attempts.getOrDefault(row.id(), List.of())))
        .toList();
  }

  Map<Integer, Long> logStarts(String jobId, int pod) {
    Map<Integer, Long> starts = new LinkedHashMap<>();
    jdbc.sql(
            "SELECT attempt, start_offset FROM job_log_starts"
                + " WHERE job_id = ? AND pod_index = ? ORDER BY attempt")
        .params(jobId, pod)
        .query(
            rs -> {
              starts.put(rs.getInt(1), rs.getLong(2));
            });
    return starts;
  }

  Optional<Job> findSummary(String id) {
    return jdbc.sql("SELECT " + RowMappers.JOB_COLUMNS + " FROM jobs WHERE id = ?")
        .param(id)
        .query((rs, n) -> RowMappers.job(rs).toJob(List.of(), List.of()))
        .optional();
  }

  Page list(JobQuery query) {
    JobListSelect.Rows page = JobListSelect.page(jdbc, query);
    // A page (at most 1,000 jobs) is as complete as a job read alone, in one query per table for
    // the whole page; the unbounded sweeps of the service itself never need pods or attempts.
    boolean complete = query.limit() < Integer.MAX_VALUE && !page.rows().isEmpty();
    List<String> ids = complete ? page.rows().stream().map(JobRow::id).toList() : List.of();
    Map<String, List<Pod>> pods =
        complete ? byJob("job_pods", "pod_index", ids, RowMappers::pod) : Map.of();
    Map<String, List<Attempt>> attempts =
        complete ? byJob("job_attempts", "number", ids, RowMappers::attempt) : Map.of();
    return new Page(
        page.rows().stream()
            .map(
                row ->
                    row.toJob(
                        pods.getOrDefault(row.id(), List.of()),
                        attempts.getOrDefault(row.id(), List.of())))
            .toList(),
        page.lastSeq(),
        page.more());
  }

  long highestSeq() {
    return jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM jobs").query(Long.class).single();
  }

  long lastEventId() {
    return jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM job_events").query(Long.class).single();
  }

  Map<String, JobStatus> statuses(Collection<String> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Map<String, JobStatus> result = new LinkedHashMap<>();
    jdbc.sql("SELECT id, status FROM jobs WHERE id IN (" + marks(ids) + ")")
        .params(List.copyOf(ids))
        .query(
            rs -> {
              result.put(rs.getString("id"), JobStatus.valueOf(rs.getString("status")));
            });
    return result;
  }

  Optional<Candidate> nextClaimable(String owner) {
    // The head of each claimable status. Each ORDER BY names every column of jobs_queue, even the
    // two fixed by the WHERE: H2 reads the first row of the index only for an ORDER BY that is a
    // prefix of it; for "priority DESC, seq" it sorts all of the owner's queued jobs (90 ms with
    // 100,000). The whole summary, so that the dispatcher need not read the job it picks again.
    String head =
        "SELECT "
            + RowMappers.JOB_COLUMNS
            + " FROM jobs WHERE owner = ? AND status = ?"
            + " ORDER BY owner, status, priority DESC, seq LIMIT 1";
    List<Candidate> heads = new ArrayList<>();
    if (postgres) {
      // One round trip for all of them. Not on H2, which parses a UNION again at every run (it
      // keeps no plan of one): two cached statements cost it a fifth of one union.
      List<Object> params = new ArrayList<>();
      StringBuilder union = new StringBuilder();
      for (JobStatus status : JdbcJobStore.CLAIMABLE) {
        union.append(union.isEmpty() ? "(" : " UNION ALL (").append(head).append(")");
        params.add(owner);
        params.add(status.name());
      }
      heads.addAll(
          jdbc.sql(union.toString())
              .params(params)
              .query((rs, n) -> RowMappers.candidateWithJob(rs))
              .list());
    } else {
      for (JobStatus status : JdbcJobStore.CLAIMABLE) {
        jdbc.sql(head)
            .params(owner, status.name())
            .query((rs, n) -> RowMappers.candidateWithJob(rs))
            .optional()
            .ifPresent(heads::add);
      }
    }
    return heads.stream().min(Candidate.QUEUE_ORDER);
  }

  Set<String> ownersWithClaimableJobs() {
    return new HashSet<>(
        jdbc.sql(
                "SELECT DISTINCT owner FROM jobs WHERE status IN ("
                    + marks(JdbcJobStore.CLAIMABLE)
                    + ")")
            .params(JdbcJobStore.names(JdbcJobStore.CLAIMABLE))
            .query(String.class)
            .list());
  }

  List<String> idsInStatus(Set<JobStatus> statuses) {
    if (statuses.isEmpty()) {
      return List.of();
    }
    return jdbc.sql("SELECT id FROM jobs WHERE status IN (" + marks(statuses) + ") ORDER BY seq")
        .params(statuses.stream().map(Enum::name).toList())
        .query(String.class)
        .list();
  }

  List<String> waitingChildren(String parentId) {
    return jdbc.sql(
            "SELECT j.id FROM job_parents p JOIN jobs j ON j.id = p.job_id"
                + " WHERE p.parent_id = ? AND j.status = ? ORDER BY j.seq")
        .params(parentId, JobStatus.AWAITING_PARENTS.name())
        .query(String.class)
        .list();
  }

  List<JobEvent> events(String jobId) {
    return jdbc.sql("SELECT * FROM job_events WHERE job_id = ? ORDER BY id")
        .param(jobId)
        .query((rs, n) -> RowMappers.event(rs))
        .list();
  }

  /** The events of these jobs with an id above {@code afterId}, in id order. */
  List<JobEvent> eventsAfter(long afterId, List<String> jobIds) {
    List<Object> params = new ArrayList<>(List.of(afterId));
    params.addAll(jobIds);
    return jdbc.sql(
            "SELECT * FROM job_events WHERE id > ? AND job_id IN ("
                + marks(jobIds)
                + ") ORDER BY id")
        .params(params)
        .query((rs, n) -> RowMappers.event(rs))
        .list();
  }

  List<StoredEvent> eventsAfter(long afterId, int limit) {
    return jdbc.sql(
            "SELECT e.*, j.owner, j.accessibility FROM job_events e JOIN jobs j ON j.id = e.job_id"
                + " WHERE e.id > ? ORDER BY e.id LIMIT ?")
        .params(afterId, limit)
        .query((rs, n) -> RowMappers.visibility(RowMappers.event(rs), rs))
        .list();
  }

  Optional<IdempotencyRecord> idempotency(String owner, String key) {
    return jdbc.sql(
            "SELECT owner, idem_key, body_hash, job_id FROM idempotency_keys"
                + " WHERE owner = ? AND idem_key = ?")
        .params(owner, key)
        .query((rs, n) -> RowMappers.idempotency(rs))
        .optional();
  }

  /** The rows of {@code table} about these jobs, each job's in {@code order}. */
  private <T> Map<String, List<T>> byJob(
      String table, String order, List<String> ids, RowReader<T> reader) {
    Map<String, List<T>> byJob = new LinkedHashMap<>();
    jdbc.sql(
            "SELECT * FROM "
                + table
                + " WHERE job_id IN ("
                + marks(ids)
                + ") ORDER BY job_id, "
                + order)
        .params(ids)
        .query(
            rs -> {
              byJob
                  .computeIfAbsent(rs.getString("job_id"), id -> new ArrayList<>())
                  .add(reader.read(rs));
            });
    return byJob;
  }

  /** Reads one row into a {@code T}. */
  @FunctionalInterface
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }
}
