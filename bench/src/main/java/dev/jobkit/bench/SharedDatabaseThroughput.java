package dev.jobkit.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Section 12 (issue 15): no-op jobs through one service with the database alone, one service with
 * it shared ({@code jobkit.datasource.shared}) and two services sharing it, each service with the
 * same slots. Each setting gets a fresh database and data dir and its services as processes of
 * their own (the packaged {@code server/target/jobkit-server.jar}, as a person starts them; two
 * services cannot share one JVM), one user whose limit never binds. After {@code warmup} jobs (the
 * services' JIT), {@code jobs} jobs of {@code true} in batches of 100 over HTTP, the batches going
 * round the services: first submission to the last {@code finished_at}, read from the database.
 * Then {@code samples} jobs one at a time, each submitted to the next service in turn: submit →
 * {@code RUNNING} from the job's events (the database's times of one host, so one clock), which
 * with two services includes the wake-up of whichever claims it.
 */
final class SharedDatabaseThroughput {

  record Result(
      int services,
      boolean shared,
      int slots,
      int jobs,
      double rate,
      Stats start,
      double spawnRate,
      Commits commits) {

    /** Jobkit's throughput ÷ spawning {@code true} directly on as many threads as slots. */
    double ratio() {
      return rate / spawnRate;
    }
  }

  /**
   * What the timed jobs cost the database, per job. {@code commits}: every transaction committed in
   * the benchmark's database ({@code pg_stat_database.xact_commit}), reads included, the
   * benchmark's own polls and the idle services' sweeps not (approximate); {@code writes}: the
   * distinct transactions that wrote the timed jobs' rows (events, job, attempts, pods, log starts,
   * result manifest), read from each row's {@code xmin}: exact, for the last version of each row (a
   * write that a later one rewrote, such as the pods' pids before their end, is not seen); {@code
   * walSyncs}: WAL flushes ({@code pg_stat_wal.wal_sync}, the whole cluster's: other databases'
   * count too).
   */
  record Commits(double commits, double writes, double walSyncs) {}

  /** The counters read before and after the timed jobs. */
  private record Counters(long commits, long walSyncs, long lastEvent, long lastSeq) {}

  private static final int BATCH = 100;
  private static final String ADMIN_KEY = "jk_bench_admin_key_0123456789abcdef";
  private static final String PG_ADMIN_URL =
      System.getenv()
          .getOrDefault("JOBKIT_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
  private static final String PG_USER =
      System.getenv().getOrDefault("JOBKIT_BENCH_PG_USER", "postgres");
  private static final Pattern TOMCAT_STARTED = Pattern.compile("Tomcat started on port (\\d+)");

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final int jobs;
  private final int warmup;
  private final int samples;
  private final int slots;

  SharedDatabaseThroughput(int jobs, int warmup, int samples, int slots) {
    this.jobs = jobs;
    this.warmup = warmup;
    this.samples = samples;
    this.slots = slots;
  }

  /**
   * The figures with {@code count} services on one fresh database, with {@code
   * jobkit.datasource.shared} set to {@code shared} (it must be where {@code count > 1}).
   */
  Result run(int count, boolean shared) throws Exception {
    String database =
        "jobkit_bench_"
            + UUID.randomUUID()
                .toString()
                .replace("-", "")
                .substring(0, 12)
                .toLowerCase(Locale.ROOT);
    Path dataDir = Io.newDataDir("jobkit-bench-pg-");
    List<Process> processes = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    admin("CREATE DATABASE " + database);
    String url = PG_ADMIN_URL.replaceAll("/[^/]*$", "/" + database);
    try {
      List<String> bases = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-" + i + ".log");
        logs.add(log);
        Process p = launch(dataDir, log, url, shared);
        processes.add(p);
        bases.add(awaitStarted(p, log));
      }
      send(bases.get(0), ADMIN_KEY, "POST", "/api/v1/users", "{\"name\":\"bench\"}", 201);
      String key =
          send(bases.get(0), ADMIN_KEY, "POST", "/api/v1/users/bench/keys", "", 201)
              .get("key")
              .asString();
      try (Connection sql = DriverManager.getConnection(url, PG_USER, "")) {
        String setting = count + " service(s)" + (shared ? ", shared" : ", alone");
        System.out.printf("  %s, %d slots each: warm-up of %d jobs%n", setting, slots, warmup);
        throughput(sql, bases, key, warmup);
        // Direct spawning right before the timed jobs and right after them: this machine's rate
        // of starting processes drifts by a third within minutes, so the two bracket the run.
        double spawnBefore = spawnRate();
        // PostgreSQL's backends publish their counts at most once a second: read them settled, and
        // take off what the idle services commit in as long (their sweeps' reads).
        Counters idle = settled(sql, database);
        Counters before = settled(sql, database);
        long pollsBefore = polls;
        double seconds = throughput(sql, bases, key, jobs);
        Counters after = settled(sql, database);
        long own = polls - pollsBefore; // the benchmark's own polls are not the jobs'
        long writes =
            scalar(
                sql,
                "SELECT COUNT(DISTINCT x) FROM (SELECT xmin::text AS x FROM job_events WHERE id > "
                    + before.lastEvent()
                    + " UNION ALL SELECT j.xmin::text FROM jobs j WHERE j.seq > "
                    + before.lastSeq()
                    + " UNION ALL SELECT a.xmin::text FROM job_attempts a JOIN jobs j ON j.id ="
                    + " a.job_id WHERE j.seq > "
                    + before.lastSeq()
                    + " UNION ALL SELECT p.xmin::text FROM job_pods p JOIN jobs j ON j.id ="
                    + " p.job_id WHERE j.seq > "
                    + before.lastSeq()
                    + " UNION ALL SELECT l.xmin::text FROM job_log_starts l JOIN jobs j ON j.id ="
                    + " l.job_id WHERE j.seq > "
                    + before.lastSeq()
                    + " UNION ALL SELECT m.xmin::text FROM job_result_manifests m JOIN jobs j"
                    + " ON j.id = m.job_id WHERE j.seq > "
                    + before.lastSeq()
                    + ") w");
        Commits commits =
            new Commits(
                (after.commits() - before.commits() - own - (before.commits() - idle.commits()))
                    / (double) jobs,
                writes / (double) jobs,
                (after.walSyncs() - before.walSyncs()) / (double) jobs);
        double rate = jobs / seconds;
        double spawnAfter = spawnRate();
        double spawnRate = (spawnBefore + spawnAfter) / 2;
        System.out.printf(
            "  %s: %d jobs in %.2f s, %.0f jobs/s; direct spawning %.0f/s on %d threads (%.0f"
                + " before, %.0f after), ratio %.2f%n",
            setting,
            jobs,
            seconds,
            rate,
            spawnRate,
            slots,
            spawnBefore,
            spawnAfter,
            rate / spawnRate);
        System.out.printf(
            "  %s: per job %.2f transactions its rows were last written in (exact), %.2f WAL"
                + " syncs (the cluster's), %.1f commits with reads (approximate)%n",
            setting, commits.writes(), commits.walSyncs(), commits.commits());
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
          starts.add(startNanos(sql, bases.get(i % bases.size()), key));
        }
        Stats start = Stats.ofNanos(starts);
        System.out.printf("  %s: submit -> RUNNING (events) %s%n", setting, start);
        return new Result(count, shared, slots, jobs, rate, start, spawnRate, commits);
      }
    } finally {
      for (Process p : processes) {
        p.destroy();
      }
      for (Process p : processes) {
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      }
      admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      for (Path log : logs) {
        Files.deleteIfExists(log);
      }
      Io.deleteAtEnd(dataDir);
    }
  }

  /** Spawning {@code true} {@code jobs} times directly on {@code slots} threads, per second. */
  private double spawnRate() throws Exception {
    return jobs / (Throughput.spawnParallel(jobs, slots).toNanos() / 1e9);
  }

  /** {@code count} no-op jobs, batches round the services; submit → the last finished_at. */
  private double throughput(Connection sql, List<String> bases, String key, int count)
      throws Exception {
    String spec = "{\"command\":[\"true\"]}";
    long firstSubmit = epochMicros();
    List<String> ids = new ArrayList<>();
    int batch = 0;
    for (int done = 0; done < count; done += BATCH, batch++) {
      int size = Math.min(BATCH, count - done);
      String body = "{\"jobs\":[" + String.join(",", Collections.nCopies(size, spec)) + "]}";
      for (JsonNode job :
          send(bases.get(batch % bases.size()), key, "POST", "/api/v1/jobs/batch", body, 201)
              .get("items")) {
        ids.add(job.get("id").asString());
      }
    }
    while (scalar(sql, "SELECT count(*) FROM jobs WHERE finished_at IS NULL") > 0) {
      Thread.sleep(100); // the clock stops at the last finished_at, not at this poll
    }
    long failed = scalar(sql, "SELECT count(*) FROM jobs WHERE status <> 'SUCCEEDED'");
    if (failed > 0) {
      throw new IllegalStateException(failed + " jobs did not succeed");
    }
    long lastEnd =
        scalar(
            sql, "SELECT CAST(EXTRACT(EPOCH FROM max(finished_at)) * 1000000 AS BIGINT) FROM jobs");
    return (lastEnd - firstSubmit) / 1e6;
  }

  /** One job, on an idle setting: its RUNNING event's time minus its submission's. */
  private long startNanos(Connection sql, String base, String key) throws Exception {
    String id =
        send(base, key, "POST", "/api/v1/jobs", "{\"command\":[\"true\"]}", 201)
            .get("id")
            .asString();
    while (true) {
      try (PreparedStatement s =
          sql.prepareStatement(
              "SELECT CAST(EXTRACT(EPOCH FROM (r.at - q.at)) * 1000000000 AS BIGINT)"
                  + " FROM job_events q JOIN job_events r ON r.job_id = q.job_id"
                  + " WHERE q.job_id = ? AND q.from_status IS NULL AND r.to_status = 'RUNNING'")) {
        s.setString(1, id);
        try (ResultSet r = s.executeQuery()) {
          if (r.next()) {
            long nanos = r.getLong(1);
            while (scalar(sql, "SELECT count(*) FROM jobs WHERE finished_at IS NULL") > 0) {
              Thread.sleep(5); // the next sample starts on an idle setting
            }
            return nanos;
          }
        }
      }
      Thread.sleep(5);
    }
  }

  private Process launch(Path dataDir, Path log, String url, boolean shared) throws IOException {
    Path jar = Path.of("server/target/jobkit-server.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: bench/run packages the server first");
    }
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--jobkit.data-dir=" + dataDir,
            "--jobkit.datasource.url=" + url,
            "--jobkit.datasource.username=" + PG_USER,
            "--jobkit.datasource.shared=" + shared,
            "--jobkit.auth.admin-key=" + ADMIN_KEY,
            "--jobkit.executor.slots=" + slots,
            "--jobkit.scheduling.parallel-limit=" + Math.max(3, jobs + warmup),
            "--jobkit.limits.max-queued-jobs-per-user=" + Math.max(10_000, jobs + warmup),
            "--logging.level.root=warn",
            "--logging.level.org.springframework.boot.tomcat.TomcatWebServer=info");
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static String awaitStarted(Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      if (!p.isAlive()) {
        throw new IllegalStateException("a service exited at its start:\n" + text);
      }
      Matcher started = TOMCAT_STARTED.matcher(text);
      if (started.find()) {
        return "http://127.0.0.1:" + started.group(1);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("a service did not start within 3 minutes: " + log);
  }

  private JsonNode send(
      String base, String key, String method, String path, String body, int expected) {
    String answer = Io.send(http, base, key, method, path, body, expected);
    return answer.isEmpty() ? RunningService.JSON.nullNode() : RunningService.JSON.readTree(answer);
  }

  /**
   * Reads the counters after 2 s, once every backend published its counts; reading them commits
   * once in the database, counted as a poll.
   */
  private Counters settled(Connection sql, String database) throws Exception {
    Thread.sleep(2000);
    polls++;
    try (Statement s = sql.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = '"
                    + database
                    + "'), (SELECT wal_sync FROM pg_stat_wal),"
                    + " (SELECT COALESCE(MAX(id), 0) FROM job_events),"
                    + " (SELECT COALESCE(MAX(seq), 0) FROM jobs)")) {
      r.next();
      return new Counters(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4));
    }
  }

  /** The benchmark's own queries in the database, each a commit of its own. */
  private long polls;

  private long scalar(Connection sql, String query) throws SQLException {
    polls++;
    try (Statement s = sql.createStatement();
        ResultSet r = s.executeQuery(query)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static long epochMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  private static void admin(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, PG_USER, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
