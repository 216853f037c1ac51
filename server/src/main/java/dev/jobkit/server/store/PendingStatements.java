package dev.jobkit.server.store;

import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Statements of one transaction that return nothing, held until {@link #run} sends them to
 * PostgreSQL as one multi-statement query: the driver sends each statement's parse, bind and
 * execute and a single sync, so they cost one round trip instead of one each, run in the order they
 * were added, and the first that fails fails them all (its transaction rolls back, as it would
 * have). Besides the job's own row, a one-pod job's claim sends five such statements and its end
 * four (docs/server.md, "Commits per job on PostgreSQL"). Not for H2, whose prepared statements
 * hold one command each.
 */
final class PendingStatements {

  private final StringBuilder sql = new StringBuilder();
  private final List<Object> params = new ArrayList<>();

  /** Holds {@code statement} (one, no {@code ;}) with its positional parameters. */
  void add(String statement, List<Object> values) {
    if (statement.indexOf(';') >= 0) {
      throw new IllegalArgumentException("one statement at a time: " + statement);
    }
    if (!sql.isEmpty()) {
      sql.append(";\n");
    }
    sql.append(statement);
    params.addAll(values);
  }

  /** Runs what is held, in one round trip, and holds nothing after. */
  void run(JdbcClient jdbc) {
    if (sql.isEmpty()) {
      return;
    }
    try {
      jdbc.sql(sql.toString()).params(params).update();
    } finally {
      sql.setLength(0);
      params.clear();
    }
  }
}
