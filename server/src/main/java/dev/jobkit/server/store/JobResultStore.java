package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.instant;
import static dev.jobkit.server.store.SqlValues.marks;
import static dev.jobkit.server.store.SqlValues.utc;

import dev.jobkit.sdk.jobs.ResultFile;
import dev.jobkit.sdk.jobs.ResultManifest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The final result manifests of ended jobs ({@code job_result_manifests}, {@code job_result_files})
 * and the jobs retention looks at. A manifest is written once, in one transaction, and read as
 * written; deleting its job deletes it (foreign keys), and so does retention ({@link
 * JobStore#markResultsExpired}).
 */
@Repository
public class JobResultStore {

  /** How many file rows go to the database in one batch. */
  private static final int BATCH = 500;

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private final TransactionTemplate transactions;

  JobResultStore(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate transactions) {
    this.jdbc = jdbc;
    this.template = template;
    this.transactions = transactions;
  }

  /** An ended job as retention sees it. */
  public record Ended(long seq, String id, String owner, String app, Instant finishedAt) {}

  /** The job's final manifest, if it was taken. */
  public Optional<ResultManifest> find(String jobId) {
    Optional<ResultManifest> head =
        jdbc.sql(
                "SELECT computed_at, file_count, total_bytes FROM job_result_manifests"
                    + " WHERE job_id = ?")
            .param(jobId)
            .query(
                (rs, n) ->
                    new ResultManifest(
                        jobId,
                        true,
                        instant(rs, "computed_at"),
                        rs.getLong("file_count"),
                        rs.getLong("total_bytes"),
                        List.of()))
            .optional();
    return head.map(
        m ->
            new ResultManifest(
                jobId,
                true,
                m.computedAt(),
                m.fileCount(),
                m.totalBytes(),
                jdbc.sql(
                        "SELECT path, size_bytes, sha256, modified_at, media_type"
                            + " FROM job_result_files WHERE job_id = ? ORDER BY path")
                    .param(jobId)
                    .query(
                        (rs, n) ->
                            new ResultFile(
                                rs.getString("path"),
                                rs.getLong("size_bytes"),
                                rs.getString("sha256"),
                                instant(rs, "modified_at"),
                                rs.getString("media_type")))
                    .list()));
  }

  /** One file of the job's final manifest, without reading the others. */
  public Optional<ResultFile> findFile(String jobId, String path) {
    return jdbc.sql(
            "SELECT path, size_bytes, sha256, modified_at, media_type FROM job_result_files"
                + " WHERE job_id = ? AND path = ?")
        .params(jobId, path)
        .query(
            (rs, n) ->
                new ResultFile(
                    rs.getString("path"),
                    rs.getLong("size_bytes"),
                    rs.getString("sha256"),
                    instant(rs, "modified_at"),
                    rs.getString("media_type")))
        .optional();
  }

  /** Whether the job's final manifest is stored. */
  public boolean exists(String jobId) {
    return jdbc.sql("SELECT COUNT(*) FROM job_result_manifests WHERE job_id = ?")
            .param(jobId)
            .query(Long.class)
            .single()
        > 0;
  }

  /** Which of {@code jobIds} (at most 100) have their final manifest stored. */
  public Set<String> withManifest(Collection<String> jobIds) {
    if (jobIds.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.sql("SELECT job_id FROM job_result_manifests WHERE job_id IN (" + marks(jobIds) + ")")
            .params(new ArrayList<>(jobIds))
            .query(String.class)
            .list());
  }

  /**
   * Stores a final manifest. False when there is one already or the job is gone (deleted while its
   * manifest was taken): the first one stays, and a deleted job gets none.
   */
  public boolean save(ResultManifest manifest) {
    try {
      return Boolean.TRUE.equals(
          transactions.execute(
              status -> {
                boolean exists =
                    jdbc.sql("SELECT COUNT(*) FROM job_result_manifests WHERE job_id = ?")
                            .param(manifest.jobId())
                            .query(Long.class)
                            .single()
                        > 0;
                if (exists) {
                  return false;
                }
                jdbc.sql(
                        "INSERT INTO job_result_manifests (job_id, computed_at, file_count,"
                            + " total_bytes) VALUES (?, ?, ?, ?)")
                    .params(
                        manifest.jobId(),
                        utc(manifest.computedAt()),
                        manifest.fileCount(),
                        manifest.totalBytes())
                    .update();
                List<Object[]> rows = new ArrayList<>(BATCH);
                for (ResultFile f : manifest.files()) {
                  rows.add(
                      new Object[] {
                        manifest.jobId(),
                        f.path(),
                        f.sizeBytes(),
                        f.sha256(),
                        utc(f.modifiedAt()),
                        f.mediaType()
                      });
                  if (rows.size() == BATCH) {
                    insertFiles(rows);
                    rows.clear();
                  }
                }
                insertFiles(rows);
                return true;
              }));
    } catch (DataIntegrityViolationException goneOrRaced) {
      return false;
    }
  }

  private void insertFiles(List<Object[]> rows) {
    if (!rows.isEmpty()) {
      template.batchUpdate(
          "INSERT INTO job_result_files (job_id, path, size_bytes, sha256, modified_at,"
              + " media_type) VALUES (?, ?, ?, ?, ?, ?)",
          rows);
    }
  }

  /**
   * Up to {@code limit} ended jobs with no final manifest whose results are kept: those that ended
   * while the service was down, or whose manifest was not taken before it stopped.
   */
  public List<String> endedWithoutManifest(int limit) {
    List<Object> params = new ArrayList<>(names());
    params.add(limit);
    return jdbc.sql(
            "SELECT j.id FROM jobs j WHERE j.status IN ("
                + marks(JdbcJobStore.TERMINAL)
                + ") AND j.results_expired_at IS NULL AND NOT EXISTS (SELECT 1 FROM"
                + " job_result_manifests m WHERE m.job_id = j.id) ORDER BY j.seq LIMIT ?")
        .params(params)
        .query(String.class)
        .list();
  }

  /**
   * Up to {@code limit} ended jobs after {@code afterSeq} (in submission order) whose results are
   * kept and that ended before {@code before}: what retention may remove.
   */
  public List<Ended> endedBefore(Instant before, long afterSeq, int limit) {
    List<Object> params = new ArrayList<>(names());
    params.add(utc(before));
    params.add(afterSeq);
    params.add(limit);
    return jdbc.sql(
            "SELECT seq, id, owner, app, finished_at FROM jobs WHERE status IN ("
                + marks(JdbcJobStore.TERMINAL)
                + ") AND results_expired_at IS NULL AND finished_at < ? AND seq > ?"
                + " ORDER BY seq LIMIT ?")
        .params(params)
        .query(
            (rs, n) ->
                new Ended(
                    rs.getLong("seq"),
                    rs.getString("id"),
                    rs.getString("owner"),
                    rs.getString("app"),
                    instant(rs, "finished_at")))
        .list();
  }

  private static List<Object> names() {
    return JdbcJobStore.TERMINAL.stream().map(s -> (Object) s.name()).toList();
  }
}
