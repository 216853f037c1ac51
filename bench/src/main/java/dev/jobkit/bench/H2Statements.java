package dev.jobkit.bench;

import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * H2's own account of the statements the service runs ({@code SET QUERY_STATISTICS}): how often
 * each ran and its mean time, to see where a figure's time goes without a profiler.
 */
final class H2Statements {

  private final JdbcClient jdbc;

  H2Statements(RunningService service) {
    this.jdbc = JdbcClient.create(service.bean(DataSource.class));
  }

  JdbcClient jdbc() {
    return jdbc;
  }

  /** Starts counting afresh. */
  void start() {
    jdbc.sql("SET QUERY_STATISTICS FALSE").update();
    jdbc.sql("SET QUERY_STATISTICS TRUE").update();
  }

  /** Stops counting and returns the statements, the most costly in total first. */
  List<Map<String, Object>> stop() {
    List<Map<String, Object>> rows =
        jdbc.sql(
                "SELECT SQL_STATEMENT, EXECUTION_COUNT, AVERAGE_EXECUTION_TIME,"
                    + " CUMULATIVE_EXECUTION_TIME FROM INFORMATION_SCHEMA.QUERY_STATISTICS"
                    + " ORDER BY CUMULATIVE_EXECUTION_TIME DESC")
            .query()
            .listOfRows();
    jdbc.sql("SET QUERY_STATISTICS FALSE").update();
    return rows;
  }

  /** Prints up to {@code limit} statements with count, mean and total time. */
  static void print(List<Map<String, Object>> rows, int limit) {
    for (Map<String, Object> row : rows.subList(0, Math.min(limit, rows.size()))) {
      System.out.printf(
          "    %6s x %8.3f ms = %8.0f ms  %s%n",
          row.get("EXECUTION_COUNT"),
          ((Number) row.get("AVERAGE_EXECUTION_TIME")).doubleValue(),
          ((Number) row.get("CUMULATIVE_EXECUTION_TIME")).doubleValue(),
          abbreviate(sql(row)));
    }
  }

  static String sql(Map<String, Object> row) {
    return row.get("SQL_STATEMENT").toString().replaceAll("\\s+", " ");
  }

  private static String abbreviate(String sql) {
    return sql.length() <= 150 ? sql : sql.substring(0, 147) + "...";
  }
}
