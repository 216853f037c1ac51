package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.store.DatabaseInUseException;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.PostgresDatabase;
import dev.jobkit.server.support.Processes;
import dev.jobkit.server.support.ServiceProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.FileSystemUtils;

/**
 * One service per embedded database: a second service on an H2 database that another holds refuses
 * to start, naming the first and saying what to do; a clean stop hands the database on at once; a
 * crash's hold is taken over at once on the same host and after it expires from elsewhere (in this
 * process and from another one). On PostgreSQL, services share the database; one that another found
 * dead stops itself.
 */
class OneServicePerDatabaseIT {

  /** The refusal somewhere in the causes of a failed start; fails the test if there is none. */
  private static DatabaseInUseException refusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DatabaseInUseException refused) {
        return refused;
      }
    }
    throw new AssertionError("the start was not refused for a database in use", failure);
  }

  private static String host() throws IOException {
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    return Files.isReadable(kernel)
        ? Files.readString(kernel).strip()
        : InetAddress.getLocalHost().getHostName();
  }

  private static String embeddedUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("db/jobkit");
  }

  /** Writes a hold as a service on another machine would have, while no service runs. */
  private static void holdFromElsewhere(String url, String user, Instant expiresAt)
      throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, "");
        PreparedStatement hold =
            c.prepareStatement(
                "UPDATE service_lease SET holder = 'svc_elsewhere', pid = 4242, host = 'elsewhere',"
                    + " data_dir = '/srv/jobkit', acquired_at = ?, renewed_at = ?, expires_at = ?"
                    + " WHERE id = 1")) {
      hold.setObject(1, Instant.now().minusSeconds(600).atOffset(ZoneOffset.UTC));
      hold.setObject(2, Instant.now().minusSeconds(5).atOffset(ZoneOffset.UTC));
      hold.setObject(3, expiresAt.atOffset(ZoneOffset.UTC));
      assertThat(hold.executeUpdate()).isEqualTo(1);
    }
  }

  /** Counts the resets of the logging context. */
  private record ResetCounter(AtomicInteger resets) implements LoggerContextListener {
    @Override
    public boolean isResetResistant() {
      return true;
    }

    @Override
    public void onReset(LoggerContext context) {
      resets.incrementAndGet();
    }

    @Override
    public void onStart(LoggerContext context) {}

    @Override
    public void onStop(LoggerContext context) {}

    @Override
    public void onLevelChange(ch.qos.logback.classic.Logger logger, Level level) {}
  }

  @Test
  void a_second_service_on_the_same_database_is_refused_and_the_first_keeps_running()
      throws IOException {
    try (JobkitServer first = JobkitServer.start()) {

      DatabaseInUseException refused =
          refusal(catchThrowable(() -> JobkitServer.startOn(first.dataDir()).close()));

      assertThat(refused.getMessage())
          .startsWith(
              "another Jobkit service (pid "
                  + ProcessHandle.current().pid()
                  + ", host "
                  + host()
                  + ", data dir "
                  + first.dataDir().toAbsolutePath().normalize()
                  + ") is using this database since ")
          .endsWith(
              "; stop it first or point this one at another database (jobkit.datasource.url, or"
                  + " another jobkit.data-dir)");
      Job job = first.admin().submit("{\"command\":[\"true\"]}");
      first.admin().awaitStatus(job.id(), SUCCEEDED);
      // The refused start left the JVM's logging, which the first service shares, as it was:
      // the next start and stop find it set up, and do not reset it under the running services.
      LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
      AtomicInteger resets = new AtomicInteger();
      LoggerContextListener counter = new ResetCounter(resets);
      logging.addListener(counter);
      try {
        JobkitServer.start().close();
        try (JobkitServer afterAStop = JobkitServer.start()) {
          assertThat(resets).hasValue(0);
        }
      } finally {
        logging.removeListener(counter);
      }
    }
  }

  @Test
  void a_service_that_stopped_leaves_its_database_to_the_next_at_once() throws IOException {
    Path dataDir = Files.createTempDirectory("jobkit-lease-");
    try {
      // A long lease: the next service can only start at once because the hold was released.
      JobkitServer first = JobkitServer.startOn(dataDir, "--jobkit.datasource.lease-ttl=10m");
      assertThat(dataDir.resolve("db/lease.properties")).isRegularFile();
      // The new database was made without an error on the way: H2 writes each to this file.
      assertThat(dataDir.resolve("db/jobkit.trace.db")).doesNotExist();
      assertThat(Files.getPosixFilePermissions(dataDir.resolve("db/lease.properties")))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      first.close();
      assertThat(dataDir.resolve("db/lease.properties")).doesNotExist();

      try (JobkitServer next = JobkitServer.startOn(dataDir, "--jobkit.datasource.lease-ttl=10m")) {
        Job job = next.admin().submit("{\"command\":[\"true\"]}");
        next.admin().awaitStatus(job.id(), SUCCEEDED);
      }
    } finally {
      FileSystemUtils.deleteRecursively(dataDir);
    }
  }

  @Test
  void a_hold_from_another_host_is_refused_until_it_expires() throws Exception {
    Path dataDir = Files.createTempDirectory("jobkit-lease-");
    try {
      JobkitServer.startOn(dataDir).close(); // makes the database
      holdFromElsewhere(embeddedUrl(dataDir), "sa", Instant.now().plusSeconds(600));

      DatabaseInUseException refused =
          refusal(catchThrowable(() -> JobkitServer.startOn(dataDir).close()));
      assertThat(refused.getMessage())
          .startsWith(
              "another Jobkit service (pid 4242, host elsewhere, data dir /srv/jobkit) is using"
                  + " this database since ")
          .contains("(last renewed ")
          .contains(" s unless renewed)");

      holdFromElsewhere(embeddedUrl(dataDir), "sa", Instant.now().minusSeconds(1));
      try (JobkitServer after = JobkitServer.startOn(dataDir)) {
        Job job = after.admin().submit("{\"command\":[\"true\"]}");
        after.admin().awaitStatus(job.id(), SUCCEEDED);
      }
    } finally {
      FileSystemUtils.deleteRecursively(dataDir);
    }
  }

  @Test
  void a_service_whose_hold_was_taken_over_stops_itself() {
    JobkitServer server = JobkitServer.start("--jobkit.datasource.lease-ttl=1s");
    try {
      Api api = server.admin();
      api.get("/healthz").expect(200);

      JdbcClient.create(server.bean(DataSource.class))
          .sql("UPDATE service_lease SET holder = 'svc_usurper', host = 'elsewhere' WHERE id = 1")
          .update();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                try {
                  return api.get("/healthz").status() != 200;
                } catch (RuntimeException refused) {
                  return true; // the port is closed
                }
              });
    } finally {
      server.close();
    }
  }

  @Test
  void another_process_on_the_same_embedded_database_is_refused_and_one_killed_is_followed_at_once()
      throws Exception {
    Path dataDir = Files.createTempDirectory("jobkit-lease-");
    Path log = dataDir.resolve("first.log");
    // A long lease, so that only seeing its process gone lets the next one start at once.
    try (ServiceProcess first =
        ServiceProcess.start(dataDir, log, "--jobkit.datasource.lease-ttl=10m")) {
      Api api = first.admin();
      Job running = api.submit("{\"command\":[\"sleep\",\"300\"]}");
      api.awaitStatus(running.id(), RUNNING, Duration.ofSeconds(60));

      DatabaseInUseException refused =
          refusal(catchThrowable(() -> JobkitServer.startOn(dataDir).close()));
      assertThat(refused.getMessage())
          .startsWith(
              "another Jobkit service (pid "
                  + first.pid()
                  + ", host "
                  + host()
                  + ", data dir "
                  + dataDir.toAbsolutePath().normalize()
                  + ") is using this database ("
                  + dataDir.toAbsolutePath().normalize().resolve("db/jobkit.mv.db")
                  + ") since ")
          .endsWith(
              "; stop it first or point this one at another database (jobkit.datasource.url,"
                  + " or another jobkit.data-dir)");
      assertThat(api.job(running.id()).status()).isEqualTo(RUNNING);

      first.kill(); // kill -9: no clean stop, no release
      try (JobkitServer next = JobkitServer.startOn(dataDir)) {
        Job lost = next.admin().awaitStatus(running.id(), FAILED, Duration.ofSeconds(60));
        assertThat(lost.statusReason()).startsWith("lost");
        assertThat(Processes.ofJob(running.id())).isEmpty();
      }
    } finally {
      FileSystemUtils.deleteRecursively(dataDir);
    }
  }

  @Test
  void on_postgresql_a_second_service_is_refused_until_the_first_stops() throws Exception {
    try (PostgresDatabase database = PostgresDatabase.create()) {
      String url = database.jdbcUrl();
      String[] onIt = database.serverArgs();
      try (JobkitServer first = JobkitServer.start(onIt)) {
        DatabaseInUseException refused =
            refusal(catchThrowable(() -> JobkitServer.start(onIt).close()));
        assertThat(refused.getMessage())
            .startsWith(
                "another Jobkit service (pid "
                    + ProcessHandle.current().pid()
                    + ", host "
                    + host()
                    + ", data dir "
                    + first.dataDir().toAbsolutePath().normalize()
                    + ") is using this database since ")
            .contains("stop it first or point this one at another database");
        Job job = first.admin().submit("{\"command\":[\"true\"]}");
        first.admin().awaitStatus(job.id(), SUCCEEDED);
      }

      try (JobkitServer next = JobkitServer.start(onIt)) {
        next.admin().get("/healthz").expect(200);
      }

      holdFromElsewhere(url, database.user(), Instant.now().plusSeconds(600));
      assertThat(refusal(catchThrowable(() -> JobkitServer.start(onIt).close())).getMessage())
          .startsWith("another Jobkit service (pid 4242, host elsewhere, data dir /srv/jobkit)");
      holdFromElsewhere(url, database.user(), Instant.now().minusSeconds(1));
      try (JobkitServer after = JobkitServer.start(onIt)) {
        after.admin().get("/healthz").expect(200);
      }
    }
  }

  @Test
  void on_postgresql_services_share_the_database_and_one_found_dead_stops_itself()
      throws Exception {
    PostgresDatabase database = PostgresDatabase.create();
    String url = database.jdbcUrl();
    // A lease of 5 s, renewed every 1.7 s: long enough that a loaded machine lets no renewal lapse
    // (at 1 s, CI once found the first service dead before the test did), short enough that the
    // first notices its row ended soon. The test ends that row itself below.
    String[] onIt = {
      "--jobkit.datasource.url=" + url,
      "--jobkit.datasource.username=" + database.user(),
      "--jobkit.datasource.lease-ttl=5s",
      "--jobkit.datasource.shared=true"
    };
    // Closed in reverse order: the services, then the database.
    try (database;
        JobkitServer first = JobkitServer.start(onIt);
        JobkitServer second = JobkitServer.startOn(first.dataDir(), onIt)) {
      // Both run, and a job submitted to either runs on one of them.
      for (JobkitServer server : List.of(first, second)) {
        Job job = server.admin().submit("{\"command\":[\"true\"]}");
        server.admin().awaitStatus(job.id(), SUCCEEDED);
        second.admin().awaitStatus(job.id(), SUCCEEDED);
      }
      // One that would have the database alone is refused while they share it.
      DatabaseInUseException alone =
          refusal(
              catchThrowable(
                  () ->
                      JobkitServer.startOn(
                              first.dataDir(),
                              "--jobkit.datasource.url=" + url,
                              "--jobkit.datasource.username=" + database.user())
                          .close()));
      assertThat(alone.getMessage())
          .contains("share this database (jobkit.datasource.shared=true)")
          .contains("start this one with jobkit.datasource.shared=true as well");
      JdbcClient jdbc = JdbcClient.create(second.bean(DataSource.class));
      String firstId = first.bean(dev.jobkit.server.store.ServiceMembers.class).self();
      assertThat(
              jdbc.sql("SELECT COUNT(*) FROM services WHERE ended_at IS NULL")
                  .query(Long.class)
                  .single())
          .isEqualTo(2);

      // Another service found the first dead (it missed its renewals): it stops itself, the
      // second runs on.
      jdbc.sql("UPDATE services SET ended_at = CURRENT_TIMESTAMP, ended_why = 'test' WHERE id = ?")
          .param(firstId)
          .update();
      Api api = first.admin();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                try {
                  return api.get("/healthz").status() != 200;
                } catch (RuntimeException refused) {
                  return true; // the port is closed
                }
              });
      Job after = second.admin().submit("{\"command\":[\"true\"]}");
      second.admin().awaitStatus(after.id(), SUCCEEDED);
    }
  }
}
