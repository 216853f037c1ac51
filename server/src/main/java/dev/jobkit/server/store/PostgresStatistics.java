package dev.jobkit.server.store;

import dev.jobkit.server.PeriodicTask;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps PostgreSQL's statistics of the job tables current, whether or not autovacuum runs: every
 * {@value #EVERY_SECONDS} s it reads how many rows of each changed since its last {@code ANALYZE}
 * ({@code pg_stat_user_tables}), and analyzes a table where that is more than a tenth of its rows
 * (and at least {@value #MIN_CHANGES}); it vacuums one whose dead rows are as many.
 *
 * <p>Without it, on a server with {@code autovacuum = off} (these machines') or before autovacuum
 * came round (a minute by default), the planner kept what it saw last: after a flush an empty
 * {@code jobs} table, and it read all of a refilled table's rows, 29,400 of them, for each job
 * instead of one index entry. Per-table autovacuum settings cannot help where autovacuum is off for
 * the whole server. On H2 it does nothing.
 */
@Component
class PostgresStatistics implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PostgresStatistics.class);

  static final int EVERY_SECONDS = 5;
  static final int MIN_CHANGES = 1000;

  /** The tables every job writes, whose plans the engine's queries depend on. */
  static final List<String> TABLES =
      List.of("jobs", "job_events", "job_attempts", "job_pods", "job_log_starts", "job_tokens");

  private final JdbcClient jdbc;
  private final boolean postgres;
  private final PeriodicTask timer =
      new PeriodicTask(
          "pg-statistics",
          Duration.ZERO,
          Duration.ofSeconds(EVERY_SECONDS),
          this::refresh,
          e -> log.warn("could not refresh the statistics of the job tables: {}", e.toString()));

  PostgresStatistics(JdbcClient jdbc, Database database) {
    this.jdbc = jdbc;
    this.postgres = database.postgres();
  }

  @Override
  public void start() {
    if (!postgres) {
      return;
    }
    timer.start();
  }

  @Override
  public void stop() {
    timer.stop();
  }

  @Override
  public boolean isRunning() {
    return timer.isRunning();
  }

  /** Analyzes (or vacuums) the tables that changed enough; the tables it did. */
  List<String> refresh() {
    List<Stale> stale =
        jdbc.sql(
                "SELECT relname, n_mod_since_analyze, n_dead_tup, n_live_tup"
                    + " FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                    + " AND relname IN ("
                    + SqlValues.marks(TABLES)
                    + ")")
            .params(List.copyOf(TABLES))
            .query(
                (rs, n) ->
                    new Stale(
                        rs.getString(1), rs.getLong(2), rs.getLong(3), Math.max(rs.getLong(4), 0)))
            .list();
    List<String> done = new java.util.ArrayList<>();
    for (Stale s : stale) {
      long threshold = Math.max(MIN_CHANGES, s.live() / 10);
      // The names come from TABLES, never from outside.
      if (s.dead() > threshold) {
        jdbc.sql("VACUUM (ANALYZE) " + s.table()).update();
        done.add(s.table());
      } else if (s.changed() > threshold) {
        jdbc.sql("ANALYZE " + s.table()).update();
        done.add(s.table());
      }
    }
    if (!done.isEmpty()) {
      log.debug("refreshed the statistics of {}", done);
    }
    return done;
  }

  private record Stale(String table, long changed, long dead, long live) {}
}
