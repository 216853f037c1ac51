package dev.jobkit.server.support;

import ch.qos.logback.classic.Level;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.LoggerFactory;

/**
 * Flyway for tests that migrate a database without Spring, as quietly as the service runs it (its
 * application.yml): without Spring's logging set-up, Flyway's and Hikari's progress and Flyway's
 * warning that H2 is newer than the versions it was verified with would fill the build's output.
 */
public final class QuietFlyway {

  private QuietFlyway() {}

  /** Flyway on {@code db} with the migrations at {@code locations}, its logs quieted. */
  public static Flyway on(DataSource db, String... locations) {
    quiet("org.flywaydb", Level.WARN);
    quiet("com.zaxxer.hikari", Level.WARN);
    quiet("org.flywaydb.core.internal.database.base.Database", Level.ERROR);
    return Flyway.configure().dataSource(db).locations(locations).load();
  }

  private static void quiet(String logger, Level level) {
    // A substitute while SLF4J is still starting (another thread logs first): left as it is.
    if (LoggerFactory.getLogger(logger) instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(level);
    }
  }
}
