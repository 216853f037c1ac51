package dev.jobkit.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which database the service stores its state in: the embedded H2 (one service) or PostgreSQL
 * (where several services may share it). Read once from the connection's metadata.
 */
@Component
public class Database {

  private final boolean postgres;
  private final JdbcOperations operations;

  Database(DataSource dataSource) {
    this.operations = new JdbcTemplate(dataSource);
    try (Connection connection = dataSource.getConnection()) {
      this.postgres = "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
    } catch (SQLException e) {
      throw new IllegalStateException("could not reach the database: " + e.getMessage(), e);
    }
  }

  /** Whether this is PostgreSQL. */
  public boolean postgres() {
    return postgres;
  }

  /**
   * The database's JDBC operations, in the transaction of the calling thread if it has one: for
   * what {@code JdbcClient} does not do (a query whose statement returns several results).
   */
  JdbcOperations operations() {
    return operations;
  }
}
