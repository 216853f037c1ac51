package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.marks;
import static dev.jobkit.server.store.SqlValues.utc;

import dev.jobkit.sdk.jobs.JobStats.Figures;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The figures of {@code GET /api/v1/stats}, computed by the database in SQL that H2 and PostgreSQL
 * both run: counts per state by {@code GROUP BY}, and the run times of ended jobs by {@code AVG},
 * {@code PERCENTILE_CONT(0.95) WITHIN GROUP} and {@code SUM} over {@code EXTRACT(EPOCH FROM …)}.
 * Two queries per answer (three when grouped), whatever the number of jobs.
 */
@Repository
public class JobStatistics {

  /** What a group is. */
  public enum GroupBy {
    /** By owner. */
    USER("owner"),
    /** By app (null for jobs of no app). */
    APP("app"),
    /** By state. */
    STATUS("status");

    private final String column;

    GroupBy(String column) {
      this.column = column;
    }
  }

  /**
   * The jobs counted: created in [from, to), of one owner and of one app when given.
   *
   * @param owner only this owner's jobs, or null for everyone's
   * @param app only this app's jobs, or null
   * @param from created at or after this, or null
   * @param to created before this, or null
   */
  public record Scope(String owner, String app, Instant from, Instant to) {}

  private static final String RUN_SECONDS =
      "CAST(EXTRACT(EPOCH FROM finished_at) - EXTRACT(EPOCH FROM started_at) AS DOUBLE PRECISION)";

  private final JdbcClient jdbc;

  JobStatistics(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** The figures of every job of the scope. */
  public Figures total(Scope scope) {
    return figures(scope, null).getOrDefault(null, empty());
  }

  /**
   * The figures per group of the jobs of the scope, by the group's key (a null key for the jobs of
   * no app), in no particular order.
   */
  public Map<String, Figures> byGroup(Scope scope, GroupBy groupBy) {
    return figures(scope, groupBy);
  }

  private Map<String, Figures> figures(Scope scope, GroupBy groupBy) {
    List<Object> params = new ArrayList<>();
    String where = where(scope, params);
    String key = groupBy == null ? "CAST(NULL AS VARCHAR(64))" : groupBy.column;
    String groupKey = groupBy == null ? "" : " GROUP BY " + groupBy.column;
    Map<String, Map<JobStatus, Long>> counts = new LinkedHashMap<>();
    jdbc.sql(
            "SELECT "
                + key
                + " AS k, status, COUNT(*) AS n FROM jobs"
                + where
                + groupKey
                + (groupBy == null ? " GROUP BY status" : ", status"))
        .params(params)
        .query(
            rs -> {
              counts
                  .computeIfAbsent(rs.getString("k"), k -> new EnumMap<>(JobStatus.class))
                  .put(JobStatus.valueOf(rs.getString("status")), rs.getLong("n"));
            });
    List<Object> runParams = new ArrayList<>(params);
    runParams.addAll(JdbcJobStore.names(JdbcJobStore.TERMINAL));
    Map<String, double[]> runs = new LinkedHashMap<>();
    jdbc.sql(
            "SELECT "
                + (groupBy == null ? key : "k")
                + " AS k, COUNT(*) AS n, AVG(d) AS mean,"
                + " PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY d) AS p95,"
                + " SUM(pods * d) AS resource_seconds FROM (SELECT "
                + key
                + " AS k, pod_count AS pods, "
                + RUN_SECONDS
                + " AS d FROM jobs"
                + where
                + " AND status IN ("
                + marks(JdbcJobStore.TERMINAL)
                + ") AND started_at IS NOT NULL AND finished_at IS NOT NULL) runs"
                + (groupBy == null ? "" : " GROUP BY k"))
        .params(runParams)
        .query(
            rs -> {
              if (rs.getLong("n") > 0) {
                runs.put(
                    rs.getString("k"),
                    new double[] {
                      number(rs, "mean"), number(rs, "p95"), number(rs, "resource_seconds")
                    });
              }
            });
    Map<String, Figures> figures = new LinkedHashMap<>();
    counts.forEach((k, byStatus) -> figures.put(k, figures(byStatus, runs.get(k))));
    return figures;
  }

  private static Figures figures(Map<JobStatus, Long> byStatus, double[] run) {
    long jobs = 0;
    long ended = 0;
    for (Map.Entry<JobStatus, Long> e : byStatus.entrySet()) {
      jobs += e.getValue();
      if (e.getKey().isTerminal()) {
        ended += e.getValue();
      }
    }
    long succeeded = byStatus.getOrDefault(JobStatus.SUCCEEDED, 0L);
    return new Figures(
        jobs,
        new LinkedHashMap<>(byStatus),
        ended,
        succeeded,
        ended == 0 ? null : (double) succeeded / ended,
        run == null ? null : run[0],
        run == null ? null : run[1],
        run == null ? 0 : run[2]);
  }

  private static Figures empty() {
    return new Figures(0, Map.of(), 0, 0, null, null, null, 0);
  }

  private static double number(ResultSet rs, String column) throws SQLException {
    Object value = rs.getObject(column);
    return value == null ? 0 : ((Number) value).doubleValue();
  }

  private static String where(Scope scope, List<Object> params) {
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    if (scope.owner() != null) {
      where.append(" AND owner = ?");
      params.add(scope.owner());
    }
    if (scope.app() != null) {
      where.append(" AND app = ?");
      params.add(scope.app());
    }
    if (scope.from() != null) {
      where.append(" AND created_at >= ?");
      params.add(utc(scope.from()));
    }
    if (scope.to() != null) {
      where.append(" AND created_at < ?");
      params.add(utc(scope.to()));
    }
    return where.toString();
  }
}
