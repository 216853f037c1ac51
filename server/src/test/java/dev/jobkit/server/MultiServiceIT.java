package dev.jobkit.server;

import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.PostgresDatabase;
import dev.jobkit.server.support.Processes;
import dev.jobkit.server.support.ServiceProcess;
import dev.jobkit.server.support.SseStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * Several services on one PostgreSQL database and one shared data dir (issue 15): thousands of
 * small jobs submitted across them, one service {@code kill -9}ed mid-run, and then, read from the
 * database and from the files the jobs' pods wrote: no job lost, none claimed twice, none run twice
 * except as attempts the database counts, every job's events one consistent chain, no owner ever
 * over its limit across the services, the dead service's jobs recovered by the others (its pods
 * killed, its running attempts lost and retried), and a live event stream on one service that saw
 * every event of every service, in id order, with nothing missing.
 *
 * <p>Three services, so that after the kill two are still sharing the work (and one can follow the
 * other's events): with two, the run after the kill would be one service alone. {@code
 * -Djobkit.it.multi.services=N} changes it; with 1 the killed service is replaced by a new one on
 * the same database, the recovery of a restart. {@code -Djobkit.it.multi.jobs=N} sets the number of
 * jobs (issue 15 names 20,000; the default, 1,000, keeps the test to about two minutes on 2 cores).
 *
 * <p>Each job is {@code touch <markers>/$JOBKIT_JOB_ID.$JOBKIT_ATTEMPT.$$; sleep 0.2}: one file per
 * run of a pod, named by its attempt and pid, so that two runs of one attempt leave two files where
 * a plain {@code touch} of the same name would hide the second. The marker directory is
 * world-writable with the sticky bit: a service running as root runs each job as a uid of its own.
 */
class MultiServiceIT {

  private static final int JOBS = Integer.getInteger("jobkit.it.multi.jobs", 1000);
  private static final int SERVICES = Integer.getInteger("jobkit.it.multi.services", 3);
  private static final int SLOTS = 6;
  // Four users with a limit of 4 each want 16 of the 3 x 6 slots, of which the long jobs hold 4:
  // both the owners' limits and the slots bind, before and after the kill.
  private static final int PARALLEL_LIMIT = 4;
  private static final int USERS = 4;
  private static final int LONG_JOBS = PARALLEL_LIMIT;
  private static final int BATCH = 100;
  private static final String LEASE_TTL = "3s";
  private static final double KILL_AFTER = 0.3;

  private final List<ServiceProcess> services = new ArrayList<>();
  private Path dataDir;
  private Path markers;
  private int started;

  @Test
  void a_killed_service_loses_no_job_and_no_job_is_claimed_or_run_twice() throws Exception {
    long t0 = System.nanoTime();
    PostgresDatabase db = PostgresDatabase.create();
    EventFeed feed = null;
    try (Connection sql = DriverManager.getConnection(db.jdbcUrl(), db.user(), "")) {
      dataDir = Files.createTempDirectory("jobkit-multi-");
      FileSystemUtils.deleteRecursively(Path.of("target", "multi-service-it"));
      Files.createDirectories(Path.of("target", "multi-service-it"));
      markers =
          Files.createTempDirectory(
              "jobkit-multi-markers-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
      // The sticky bit (1777) cannot be set through NIO's permissions.
      exec("chmod", "1777", markers.toString());
      // The first alone, as it makes the schema; the others at once.
      startService(db);
      List<CompletableFuture<ServiceProcess>> others = new ArrayList<>();
      for (int i = 1; i < SERVICES; i++) {
        others.add(CompletableFuture.supplyAsync(() -> startService(db)));
      }
      for (CompletableFuture<ServiceProcess> starting : others) {
        starting.join();
      }
      log("%d services started in %.1f s", SERVICES, seconds(t0));

      Api admin = services.get(0).admin();
      List<Api> users = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        users.add(newUser(admin, "user" + u));
      }
      Api longUser = newUser(admin, "long");

      // Jobs that run until stopped, so that the killed service surely has running pods: theirs.
      List<String> longJobs = new ArrayList<>();
      for (int i = 0; i < LONG_JOBS; i++) {
        Api at = services.get(i % SERVICES).as(longUser);
        longJobs.add(at.submit(spec("exec sleep 3600")).id());
      }
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> count(sql, "status = 'RUNNING' AND owner = 'long'") == LONG_JOBS);
      Map<String, Long> longPids = podPids(sql, longJobs);
      ServiceProcess victim = victim(longPids);
      Set<String> victimsLongJobs =
          longPids.entrySet().stream()
              .filter(e -> victim.isAncestorOf(e.getValue()))
              .map(Map.Entry::getKey)
              .collect(Collectors.toSet());
      List<ServiceProcess> survivors = new ArrayList<>(services);
      survivors.remove(victim);

      // Every event from here on, as a live client of one service sees them.
      if (!survivors.isEmpty()) {
        feed = new EventFeed(survivors.get(0).admin(), maxEventId(sql));
      }

      long submitStart = System.nanoTime();
      Set<String> shortJobs = submitAll(users);
      double submitSeconds = seconds(submitStart);
      log("%d jobs submitted in %.1f s", shortJobs.size(), submitSeconds);

      // Killed once a good part has run and it runs some of the small jobs too, not only long ones.
      String victimId = serviceIdOf(sql, victim.pid());
      String victimsInFlight =
          "service_id = '"
              + victimId
              + "' AND owner <> 'long' AND status IN ('CLAIMED', 'RUNNING')";
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                checkAlive(services);
                return count(sql, "status = 'SUCCEEDED'") >= JOBS * KILL_AFTER
                    && count(sql, victimsInFlight) > 0;
              });
      // Some may still end normally before the kill below lands: those must show no recovery.
      Set<String> victimsShortJobs = ids(sql, victimsInFlight);
      long inFlightAtKill = count(sql, "status NOT IN ('SUCCEEDED','FAILED','CANCELED','QUEUED')");
      victim.kill();
      long killedAt = System.nanoTime();
      log(
          "killed service pid %d after %.1f s of jobs, %d jobs in flight, its long jobs %s, its"
              + " small jobs in flight %s",
          victim.pid(), seconds(submitStart), inFlightAtKill, victimsLongJobs, victimsShortJobs);
      if (survivors.isEmpty()) {
        survivors.add(startService(db)); // one service: its restart recovers
      }
      ServiceProcess follower = survivors.get(0);
      ServiceProcess submitter = survivors.get(survivors.size() - 1);

      // The killed service's running attempts are lost and run again elsewhere; its pods die.
      await()
          .atMost(Duration.ofMinutes(2))
          .until(
              () -> {
                for (String id : victimsLongJobs) {
                  if (!runningAgain(sql, id)) {
                    return false;
                  }
                }
                return true;
              });
      for (String id : victimsLongJobs) {
        await()
            .atMost(Duration.ofMinutes(1))
            .until(
                () -> Processes.withEnvironment("JOBKIT_JOB_ID=" + id, "JOBKIT_ATTEMPT=1"),
                List::isEmpty);
      }
      log("the killed service's long jobs ran again after %.1f s", seconds(killedAt));

      Duration allEnd = Duration.ofMinutes(10).plusMillis(JOBS * 60L);
      await()
          .atMost(allEnd)
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                checkAlive(survivors);
                return count(
                        sql, "status NOT IN ('SUCCEEDED','FAILED','CANCELED') AND owner <> 'long'")
                    == 0;
              });
      double runSeconds = seconds(submitStart);
      log("every job ended %.1f s after the first submission", runSeconds);

      // A transition made on one service reaches a live client of another.
      String probe = submitter.admin().submit(spec("true")).id();
      if (feed != null) {
        EventFeed following = feed;
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> following.statusesOf(probe).contains(JobStatus.SUCCEEDED));
        log(
            "a job submitted on pid %d seen through pid %d: %s",
            submitter.pid(), follower.pid(), feed.statusesOf(probe));
      }
      for (String id : longJobs) {
        follower.admin().stopAndAwaitCanceled(id);
      }
      if (feed != null) {
        EventFeed following = feed;
        long last = maxEventId(sql);
        await().atMost(Duration.ofMinutes(1)).until(() -> following.lastId() >= last);
        feed.close();
      }

      RunHistory history = RunHistory.read(sql, markers);
      Map<String, Integer> most = new LinkedHashMap<>();
      List<String> overLimit =
          history.ownersOverLimit(
              o -> o.equals("admin") ? Integer.MAX_VALUE : PARALLEL_LIMIT, most);
      List<RunHistory.EventRow> recoveries = history.recoveries();
      log(
          "%d jobs (+%d long, +1 probe) on %d services: submitted in %.1f s, all ended in %.1f s"
              + " (%.0f jobs/s); %d events, %d attempts (%d retries), %d pod runs; %d recovery"
              + " events; most in flight per owner %s",
          shortJobs.size(),
          LONG_JOBS,
          SERVICES,
          submitSeconds,
          runSeconds,
          shortJobs.size() / runSeconds,
          history.events().size(),
          history.attempts().size(),
          history.retries(),
          history.markers().size(),
          recoveries.size(),
          most);
      log(
          "%d jobs in flight when the service was killed; the first recovery events: %s",
          inFlightAtKill, recoveries.stream().limit(3).map(RunHistory::describe).toList());

      Map<Long, Long> perService = jobsPerServicePid(sql);
      log("jobs by the pid of the service that ran their last attempt: %s", perService);

      // Every check, then every violation at once: one run says all that is wrong.
      SoftAssertions softly = new SoftAssertions();
      softly
          .assertThat(perService.keySet())
          .as("the services that ran jobs")
          .containsAll(services.stream().map(ServiceProcess::pid).toList());
      softly.assertThat(history.notSucceeded(shortJobs)).as("jobs lost").isEmpty();
      softly.assertThat(history.doubleClaims()).as("jobs claimed twice").isEmpty();
      softly.assertThat(history.unaccountedRuns()).as("runs the database does not count").isEmpty();
      softly.assertThat(history.brokenChains()).as("broken event chains").isEmpty();
      softly.assertThat(overLimit).as("owners over their limit").isEmpty();
      softly
          .assertThat(recoveries)
          .as("events of the recovery of the killed service's jobs")
          .isNotEmpty();
      long firstRecovery = recoveries.isEmpty() ? Long.MAX_VALUE : recoveries.get(0).id();
      Set<String> recovered =
          recoveries.stream().map(RunHistory.EventRow::jobId).collect(Collectors.toSet());
      List<String> neitherEndedNorRecovered = new ArrayList<>();
      for (String id : victimsShortJobs) {
        boolean endedBeforeTheKill =
            history.eventsByJob().get(id).stream()
                .anyMatch(e -> e.to().isTerminal() && e.id() < firstRecovery);
        if (recovered.contains(id) == endedBeforeTheKill) {
          neitherEndedNorRecovered.add(id + ": " + history.eventsByJob().get(id));
        }
      }
      log(
          "of the killed service's %d small jobs in flight, %d were recovered",
          victimsShortJobs.size(), victimsShortJobs.stream().filter(recovered::contains).count());
      softly
          .assertThat(neitherEndedNorRecovered)
          .as("the killed service's small jobs in flight: each recovered, or ended before the kill")
          .isEmpty();
      for (String id : victimsLongJobs) {
        softly
            .assertThat(history.eventsByJob().get(id))
            .as("the killed service's running job %s", id)
            .anyMatch(e -> e.from() == JobStatus.RUNNING && e.to() == JobStatus.RUN_TIMEOUT);
      }
      if (feed != null) {
        softly
            .assertThat(feed.outOfOrder())
            .as("events the live stream gave out of id order")
            .isEmpty();
        Set<Long> missed = new LinkedHashSet<>();
        for (RunHistory.EventRow e : history.events()) {
          if (e.id() > feed.since() && !feed.ids().contains(e.id())) {
            missed.add(e.id());
          }
        }
        softly
            .assertThat(missed)
            .as("events the live stream of pid %d missed", follower.pid())
            .isEmpty();
        softly.assertThat(feed.drops()).as("drops of the live stream").isZero();
      }
      softly.assertThat(leftoverPods()).as("pods still alive").isEmpty();
      softly.assertAll();
    } finally {
      if (feed != null) {
        feed.close();
      }
      for (ServiceProcess service : services) {
        service.close();
      }
      for (long pid : leftoverPods()) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      db.close();
      if (dataDir != null) {
        FileSystemUtils.deleteRecursively(dataDir);
      }
      if (markers != null) {
        FileSystemUtils.deleteRecursively(markers);
      }
    }
  }

  private ServiceProcess startService(PostgresDatabase db) {
    Path log;
    synchronized (services) {
      // Kept for a look after a failure; the next build's clean removes them.
      log = Path.of("target", "multi-service-it", "service-" + started++ + ".log").toAbsolutePath();
    }
    ServiceProcess service =
        ServiceProcess.start(
            dataDir,
            log,
            "--jobkit.datasource.url=" + db.jdbcUrl(),
            "--jobkit.datasource.username=" + db.user(),
            "--jobkit.datasource.lease-ttl=" + LEASE_TTL,
            "--jobkit.datasource.shared=true",
            "--jobkit.executor.slots=" + SLOTS,
            "--jobkit.scheduling.parallel-limit=" + PARALLEL_LIMIT);
    synchronized (services) {
      services.add(service);
    }
    return service;
  }

  private static Api newUser(Api admin, String name) {
    admin
        .post("/api/v1/users", "{\"name\":\"" + name + "\",\"scheduling_mode\":\"parallel\"}")
        .expect(201);
    String key =
        admin.post("/api/v1/users/" + name + "/keys", "").expect(201).json().get("key").asString();
    return new Api("http://unused", key, name);
  }

  private String spec(String then) {
    String script = "touch \"" + markers + "/$JOBKIT_JOB_ID.$JOBKIT_ATTEMPT.$$\"; " + then;
    return "{\"shell\":" + Api.JSON.writeValueAsString(script) + ",\"max_attempts\":3}";
  }

  /** The jobs, in batches that go round the users and the services. */
  private Set<String> submitAll(List<Api> users) {
    String one = spec("sleep 0.2");
    Set<String> ids = new HashSet<>();
    int batch = 0;
    for (int done = 0; done < JOBS; done += BATCH, batch++) {
      int size = Math.min(BATCH, JOBS - done);
      Api user = users.get(batch % users.size());
      ServiceProcess service = services.get(batch % services.size());
      String body = "{\"jobs\":[" + String.join(",", Collections.nCopies(size, one)) + "]}";
      JsonNode answer = service.as(user).post("/api/v1/jobs/batch", body).expect(201).json();
      for (JsonNode job : answer.get("items")) {
        ids.add(job.get("id").asString());
      }
    }
    return ids;
  }

  /** The service that runs the most of the long jobs (any, with one service). */
  private ServiceProcess victim(Map<String, Long> pids) {
    ServiceProcess most = services.get(0);
    long mostCount = -1;
    for (ServiceProcess service : services) {
      long n = pids.values().stream().filter(service::isAncestorOf).count();
      if (n > mostCount) {
        most = service;
        mostCount = n;
      }
    }
    return most;
  }

  private static boolean runningAgain(Connection sql, String id) throws SQLException {
    try (PreparedStatement s =
        sql.prepareStatement("SELECT status, attempt FROM jobs WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next() && "RUNNING".equals(r.getString(1)) && r.getInt(2) >= 2;
      }
    }
  }

  private static Map<String, Long> podPids(Connection sql, List<String> ids) throws SQLException {
    Map<String, Long> pids = new HashMap<>();
    for (String id : ids) {
      try (PreparedStatement s =
          sql.prepareStatement("SELECT pid FROM job_pods WHERE job_id = ? AND pod_index = 0")) {
        s.setString(1, id);
        try (ResultSet r = s.executeQuery()) {
          if (r.next()) {
            pids.put(id, r.getLong(1));
          }
        }
      }
    }
    return pids;
  }

  private static String serviceIdOf(Connection sql, long pid) throws SQLException {
    try (PreparedStatement s =
        sql.prepareStatement("SELECT id FROM services WHERE pid = ? AND ended_at IS NULL")) {
      s.setLong(1, pid);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new AssertionError("no live row in services for pid " + pid);
        }
        return r.getString(1);
      }
    }
  }

  private static Set<String> ids(Connection sql, String where) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (PreparedStatement s = sql.prepareStatement("SELECT id FROM jobs WHERE " + where);
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        ids.add(r.getString(1));
      }
    }
    return ids;
  }

  /** How many jobs each service ran the last attempt of, by the service's pid. */
  private static Map<Long, Long> jobsPerServicePid(Connection sql) throws SQLException {
    Map<Long, Long> counts = new LinkedHashMap<>();
    try (PreparedStatement s =
            sql.prepareStatement(
                "SELECT s.pid, count(*) FROM jobs j JOIN services s ON s.id = j.service_id"
                    + " GROUP BY s.pid ORDER BY s.pid");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        counts.put(r.getLong(1), r.getLong(2));
      }
    }
    return counts;
  }

  private static long count(Connection sql, String where) throws SQLException {
    try (PreparedStatement s = sql.prepareStatement("SELECT count(*) FROM jobs WHERE " + where);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  private static long maxEventId(Connection sql) throws SQLException {
    try (PreparedStatement s = sql.prepareStatement("SELECT coalesce(max(id), 0) FROM job_events");
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  private static void checkAlive(List<ServiceProcess> expected) {
    for (ServiceProcess service : expected) {
      if (!service.isAlive()) {
        throw new AssertionError("service pid " + service.pid() + " died:\n" + service.logText());
      }
    }
  }

  /** Live processes of this run's jobs: their command line names the marker directory. */
  private List<Long> leftoverPods() {
    if (markers == null) {
      return List.of();
    }
    String needle = markers.toString();
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                try {
                  String cmdline =
                      new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                  long pid = Long.parseLong(p.getFileName().toString());
                  if (cmdline.contains(needle) && pid != ProcessHandle.current().pid()) {
                    pids.add(pid);
                  }
                } catch (IOException gone) {
                  // ended meanwhile
                }
              });
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return pids;
  }

  private static void exec(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", argv) + " failed");
    }
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  private static void log(String format, Object... args) {
    System.out.printf("[MultiServiceIT] " + format + "%n", args);
  }

  /**
   * Every event of every job as one admin's live stream of one service gives them, from a point on
   * ({@code Last-Event-ID}), read on a thread of its own; a dropped stream is resumed where it
   * stopped, and counted.
   */
  private static final class EventFeed implements AutoCloseable {
    private final Api admin;
    private final long since;
    private final Set<Long> ids = Collections.synchronizedSet(new HashSet<>());
    private final Map<String, List<JobStatus>> statuses =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> outOfOrder = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile long lastId;
    private volatile int drops;
    private volatile boolean closed;
    private volatile SseStream stream;

    EventFeed(Api admin, long since) {
      this.admin = admin;
      this.since = since;
      this.lastId = since;
      this.stream = open();
      this.reader = new Thread(this::read, "multi-service-event-feed");
      reader.setDaemon(true);
      reader.start();
    }

    private SseStream open() {
      SseStream opened =
          admin.stream("/api/v1/events/stream", "Last-Event-ID", Long.toString(lastId));
      if (opened.status() != 200) {
        throw new AssertionError("the event stream answered " + opened.status());
      }
      return opened;
    }

    private void read() {
      while (!closed) {
        SseStream.Event e;
        try {
          e = stream.next(Duration.ofSeconds(30));
        } catch (AssertionError endedOrQuiet) {
          if (closed) {
            return;
          }
          if (endedOrQuiet.getMessage().startsWith("the stream ended")) {
            drops++;
            stream = open();
          }
          continue;
        }
        if ("dropped".equals(e.name())) {
          continue; // the stream ends next; resumed from the last id seen
        }
        long id = Long.parseLong(e.id());
        if (id <= lastId) {
          outOfOrder.add("event " + id + " after " + lastId);
        }
        lastId = Math.max(lastId, id);
        ids.add(id);
        JsonNode json = e.json();
        statuses
            .computeIfAbsent(json.get("job_id").asString(), k -> new CopyOnWriteArrayList<>())
            .add(JobStatus.valueOf(json.get("to_status").asString()));
      }
    }

    long since() {
      return since;
    }

    long lastId() {
      return lastId;
    }

    int drops() {
      return drops;
    }

    Set<Long> ids() {
      return ids;
    }

    List<String> outOfOrder() {
      return outOfOrder;
    }

    List<JobStatus> statusesOf(String job) {
      return statuses.getOrDefault(job, List.of());
    }

    @Override
    public void close() {
      closed = true;
      stream.close();
    }
  }
}
