package dev.jobkit.server.store;

import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.JobkitProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * This service's place on its database: its row in {@code services} ({@link ServiceMembers}), and
 * on the embedded H2 database also the one row of {@code service_lease}, its exclusive hold.
 *
 * <p>Both are renewed every third of {@code jobkit.datasource.lease-ttl} and ended when the service
 * stops. Flyway runs through this class, so on H2 a database that another live service holds is
 * refused before anything is migrated, recovered or run, and the start fails with a {@link
 * DatabaseInUseException} naming that service. On PostgreSQL several services share the database:
 * each adds its row and runs; the others recover its jobs once its row expires.
 *
 * <p>A hold whose holder stopped renewing it expires; on the same host, one whose process is gone
 * (killed) is taken over at once, so a restart after {@code kill -9} does not wait. A service that
 * finds its own hold taken over, or its row ended by another service that found it dead (it missed
 * its renewals for longer than the TTL), stops itself: its jobs are being run again elsewhere.
 *
 * <p>H2 locks its embedded database file against a second process before this row can even be read;
 * that refusal is reported the same way, from {@code <data-dir>/db/lease.properties}, which the
 * holder of an embedded database writes for the purpose.
 */
@Component
class ServiceLease implements FlywayMigrationStrategy, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ServiceLease.class);
  // H2's ErrorCode.DATABASE_ALREADY_OPEN_1: another process has the database file open.
  private static final int H2_DATABASE_ALREADY_OPEN = 90020;
  private static final String HOLDER_FILE = "lease.properties";
  private static final String DATA_MARK_FILE = "database.id";
  private static final String ACTION =
      "stop it first or point this one at another database (jobkit.datasource.url, or another"
          + " jobkit.data-dir)";

  private final JdbcClient jdbc;
  private final ServiceMembers members;
  private final Duration ttl;
  private final ConfigurableApplicationContext context;
  private final LeaseHolder self;
  // The embedded database's file and the note next to it; null on an external database.
  private final Path embeddedDatabase;
  private final Path holderFile;
  private final ScheduledExecutorService renewals =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jobkit-lease"));
  private volatile boolean held;
  private volatile boolean joined;

  ServiceLease(
      DataSource dataSource,
      JobkitProperties properties,
      ConfigurableApplicationContext context,
      ServiceMembers members) {
    this.jdbc = JdbcClient.create(dataSource);
    this.members = members;
    this.ttl = properties.datasource().leaseTtl();
    this.context = context;
    Path dataDir = properties.dataDir().toAbsolutePath().normalize();
    ProcessHandle me = ProcessHandle.current();
    this.self =
        new LeaseHolder(
            members.self(),
            me.pid(),
            hostName(),
            me.info().startInstant().map(LeaseHolder::stored).orElse(null),
            dataDir.toString(),
            null,
            null,
            null);
    String url = properties.datasource().url();
    boolean embedded = url == null || url.isBlank();
    this.embeddedDatabase = embedded ? dataDir.resolve("db").resolve("jobkit.mv.db") : null;
    this.holderFile = embedded ? dataDir.resolve("db").resolve(HOLDER_FILE) : null;
  }

  /**
   * Checks the hold before anything changes, migrates, then takes the hold (H2) and adds this
   * service's row.
   */
  @Override
  public void migrate(Flyway flyway) {
    if (members.shared()) {
      flyway.migrate();
      refuseIfHeldAlone();
      join();
      return;
    }
    try {
      if (leaseTableMade()) {
        acquire();
      }
      flyway.migrate();
    } catch (RuntimeException e) {
      throw lockedByAnotherProcess(e).orElseThrow(() -> e);
    }
    acquire();
    refuseIfShared();
    join();
  }

  /**
   * Whether the lease table exists yet (a new database has none), whichever way it was made: by its
   * migration or by a baseline. One query of the catalog, which a new database answers without an
   * error (H2 writes each error to a jobkit.trace.db file next to the database), where {@code
   * flyway.info()} would resolve and read every migration as {@code migrate} does again right after
   * (0.1–0.2 s of a start).
   */
  private boolean leaseTableMade() {
    try {
      // H2 keeps unquoted names in upper case, PostgreSQL in lower case.
      return jdbc.sql(
                  "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA ="
                      + " CURRENT_SCHEMA AND UPPER(TABLE_NAME) = 'SERVICE_LEASE'")
              .query(Long.class)
              .single()
          > 0;
    } catch (DataAccessException unreadable) {
      // The database cannot be opened: migrate() meets that again and it is reported there.
      return false;
    }
  }

  /** A service that would share the database finds it held by one that has it alone. */
  private void refuseIfHeldAlone() {
    Instant now = databaseNow();
    Optional<LeaseHolder> alone =
        current()
            .filter(h -> h.id() != null && h.expiresAt() != null && h.expiresAt().isAfter(now))
            .filter(h -> !h.goneFrom(self.host()));
    if (alone.isPresent()) {
      throw new DatabaseInUseException(
          alone.get().describe(null, now) + " alone (jobkit.datasource.shared is not set on it)",
          "set jobkit.datasource.shared=true on it as well and restart it, or stop it first",
          null);
    }
  }

  /** A service that would have the database alone finds services that share it. */
  private void refuseIfShared() {
    Set<String> others = members.liveOtherRows();
    if (!others.isEmpty()) {
      held = false;
      jdbc.sql(
              "UPDATE service_lease SET holder = NULL, expires_at = NULL WHERE id = 1 AND holder = ?")
          .param(self.id())
          .update();
      throw new DatabaseInUseException(
          others.size()
              + " other Jobkit service(s) share this database (jobkit.datasource.shared=true)",
          "start this one with jobkit.datasource.shared=true as well (and their data dir), or stop"
              + " them first",
          null);
    }
  }

  private void acquire() {
    if (held) {
      return;
    }
    Optional<LeaseHolder> other = take();
    if (other.isPresent()) {
      throw new DatabaseInUseException(other.get().describe(null, databaseNow()), ACTION, null);
    }
    held = true;
    writeHolderFile();
  }

  private void join() {
    if (members.shared()) {
      checkDataDir();
    }
    Instant now = databaseNow();
    members.join(self, now, ttl);
    joined = true;
    long period = Math.max(100, ttl.toMillis() / 3);
    renewals.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
    log.debug("holding the database as {} (pid {}, host {})", self.id(), self.pid(), self.host());
  }

  /**
   * Takes the row if nobody holds it, its hold expired, or its holder ran on this host and its
   * process is gone; otherwise returns who holds it.
   */
  private Optional<LeaseHolder> take() {
    for (int attempt = 0; attempt < 3; attempt++) {
      Instant now = databaseNow();
      if (claim(now, "holder IS NULL OR expires_at < ?", utc(now))) {
        return Optional.empty();
      }
      Optional<LeaseHolder> current = current();
      if (current.isEmpty()) {
        // The row is missing (removed by hand): put it back, then claim it as usual.
        jdbc.sql("INSERT INTO service_lease (id) VALUES (1)").update();
        continue;
      }
      LeaseHolder other = current.get();
      if (other.id() == null) {
        continue; // released between the claim and the read
      }
      if (!other.goneFrom(self.host())) {
        return current;
      }
      if (claim(databaseNow(), "holder = ?", other.id())) {
        log.info(
            "took over the database from a service that is gone (pid {}, host {}, since {})",
            other.pid(),
            other.host(),
            other.since());
        return Optional.empty();
      }
    }
    return current().filter(h -> h.id() != null);
  }

  private boolean claim(Instant now, String condition, Object conditionValue) {
    return jdbc.sql(
                "UPDATE service_lease SET holder = ?, pid = ?, host = ?, process_started_at = ?,"
                    + " data_dir = ?, acquired_at = ?, renewed_at = ?, expires_at = ?"
                    + " WHERE id = 1 AND ("
                    + condition
                    + ")")
            .params(
                self.id(),
                self.pid(),
                self.host(),
                utc(self.processStartedAt()),
                self.dataDir(),
                utc(now),
                utc(now),
                utc(now.plus(ttl)),
                conditionValue)
            .update()
        == 1;
  }

  private Optional<LeaseHolder> current() {
    return jdbc.sql(
            "SELECT holder, pid, host, process_started_at, data_dir, acquired_at, renewed_at,"
                + " expires_at FROM service_lease WHERE id = 1")
        .query(
            (rs, n) ->
                new LeaseHolder(
                    rs.getString("holder"),
                    rs.getObject("pid", Long.class),
                    rs.getString("host"),
                    instant(rs, "process_started_at"),
                    rs.getString("data_dir"),
                    instant(rs, "acquired_at"),
                    instant(rs, "renewed_at"),
                    instant(rs, "expires_at")))
        .optional();
  }

  private void renew() {
    try {
      Instant now = databaseNow();
      if (held
          && jdbc.sql(
                      "UPDATE service_lease SET renewed_at = ?, expires_at = ?"
                          + " WHERE id = 1 AND holder = ?")
                  .params(utc(now), utc(now.plus(ttl)), self.id())
                  .update()
              == 0) {
        lost(now);
        return;
      }
      if (joined && !members.renew(now, ttl)) {
        endedByAnother();
      }
    } catch (RuntimeException e) {
      log.warn(
          "could not renew this service's hold on its database ({}); it lasts {} from the last"
              + " renewal",
          e.getMessage(),
          ttl);
    }
  }

  /** Another service took the database over: this one must not run its jobs any more. */
  private void lost(Instant now) {
    held = false;
    renewals.shutdown();
    String who =
        current()
            .filter(h -> h.id() != null)
            .map(h -> h.describe(null, now))
            .orElse("another service");
    log.error(
        "this service no longer holds its database: {}, having found this one's hold expired"
            + " (not renewed for {}); this service stops, so that the two never run the same jobs",
        who,
        ttl);
    Thread stop = new Thread(context::close, "jobkit-lease-lost");
    stop.setDaemon(false);
    stop.start();
  }

  /**
   * Where services share the database: refuses a data dir that is not theirs while one of them runs
   * (a job's log written on one would be missing on another); else marks it as theirs.
   */
  private void checkDataDir() {
    String mark = UUID.randomUUID().toString().replace("-", "");
    jdbc.sql("UPDATE service_lease SET data_mark = ? WHERE id = 1 AND data_mark IS NULL")
        .param(mark)
        .update();
    mark =
        jdbc.sql("SELECT data_mark FROM service_lease WHERE id = 1").query(String.class).single();
    Path file = Path.of(self.dataDir()).resolve(DATA_MARK_FILE);
    try {
      String found = Files.isRegularFile(file) ? Files.readString(file).strip() : null;
      if (mark.equals(found)) {
        return;
      }
      for (String live : members.liveOthers()) {
        ServiceMembers.Member other = members.member(live).orElseThrow();
        throw new DatabaseInUseException(
            "another Jobkit service (pid "
                + other.pid()
                + ", host "
                + other.host()
                + ") uses this database with the data dir "
                + other.dataDir()
                + ", not this one's ("
                + self.dataDir()
                + "), and services that share a database must share its data dir: a job's logs"
                + " and results are files there",
            "start this one with jobkit.data-dir set to that data dir (on a file system every"
                + " host of the services mounts), or point it at another database",
            null);
      }
      Files.createDirectories(file.getParent());
      Files.writeString(file, mark + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("could not read or write " + file, e);
    }
  }

  /** Another service found this one dead and is recovering its jobs: this one must stop. */
  private void endedByAnother() {
    joined = false;
    held = false;
    renewals.shutdown();
    log.error(
        "another service found this one dead ({}), having seen its row in services not renewed"
            + " for {}, and is running its jobs again; this service stops, so that the two never"
            + " run the same jobs",
        members.endedWhy().orElse("no reason given"),
        ttl);
    Thread stop = new Thread(context::close, "jobkit-lease-lost");
    stop.setDaemon(false);
    stop.start();
  }

  /** Releases the hold when the service stops, after its engine has stopped. */
  @Override
  public void destroy() {
    renewals.shutdown();
    try {
      renewals.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (joined) {
      joined = false;
      try {
        members.leave(databaseNow(), "stopped");
      } catch (RuntimeException e) {
        log.warn(
            "could not end this service's row in services ({}); it expires within {}",
            e.getMessage(),
            ttl);
      }
    }
    if (!held) {
      return;
    }
    held = false;
    try {
      jdbc.sql(
              "UPDATE service_lease SET holder = NULL, expires_at = NULL WHERE id = 1 AND holder = ?")
          .param(self.id())
          .update();
    } catch (RuntimeException e) {
      log.warn(
          "could not release this service's hold on its database ({}); it expires within {}",
          e.getMessage(),
          ttl);
    }
    deleteHolderFile();
  }

  /**
   * H2's refusal of an embedded database file that another process has open, as a {@link
   * DatabaseInUseException} naming that process from its note when there is one.
   */
  private Optional<DatabaseInUseException> lockedByAnotherProcess(Throwable failure) {
    if (embeddedDatabase == null) {
      return Optional.empty();
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
        String who =
            readHolderFile()
                .map(h -> h.describe(embeddedDatabase, Instant.now()))
                .orElse(
                    "another process is using this database ("
                        + embeddedDatabase
                        + "), most likely another Jobkit service on the data dir "
                        + embeddedDatabase.getParent().getParent());
        return Optional.of(new DatabaseInUseException(who, ACTION, failure));
      }
    }
    return Optional.empty();
  }

  private void writeHolderFile() {
    if (holderFile == null) {
      return;
    }
    try {
      self.writeNote(holderFile, Instant.now());
    } catch (IOException e) {
      // Only a second process's error message reads it; the hold itself is the database row.
      log.warn("could not write {}: {}", holderFile, e.getMessage());
    }
  }

  private Optional<LeaseHolder> readHolderFile() {
    return LeaseHolder.readNote(holderFile);
  }

  private void deleteHolderFile() {
    if (holderFile == null) {
      return;
    }
    try {
      if (readHolderFile().map(h -> self.id().equals(h.id())).orElse(false)) {
        Files.deleteIfExists(holderFile);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The database's clock: every service on the database measures the lease on the same one. */
  private Instant databaseNow() {
    return jdbc.sql("SELECT CURRENT_TIMESTAMP")
        .query((rs, n) -> rs.getObject(1, OffsetDateTime.class).toInstant())
        .single();
  }

  static String hostName() {
    try {
      // The kernel's name: no DNS lookup, which can hang on a badly configured machine.
      Path kernel = Path.of("/proc/sys/kernel/hostname");
      if (Files.isReadable(kernel)) {
        return Files.readString(kernel, StandardCharsets.UTF_8).strip();
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
