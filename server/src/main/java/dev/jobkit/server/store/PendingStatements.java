package dev.jobkit.server.store;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.PreparedStatementCallback;
import org.springframework.jdbc.core.PreparedStatementCreator;
import org.springframework.jdbc.core.PreparedStatementCreatorFactory;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Statements of one transaction that return nothing, held until {@link #run} sends them to
 * PostgreSQL as one multi-statement query, or {@link #runThen} sends them ahead of the
 * transaction's next query: the driver sends each statement's parse, bind and execute and a single
 * sync, so they cost one round trip instead of one each (none of their own ahead of a query), run
 * in the order they were added, and the first that fails fails them all (its transaction rolls
 * back, as it would have). Besides the job's own row, a one-pod job's claim holds five such
 * statements and its end four (docs/server.md, "Commits per job on PostgreSQL"). Not for H2, whose
 * prepared statements hold one command each.
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

  /**
   * A statement that returns rows (one, no {@code ;}: a query, or a write with {@code RETURNING}),
   * with its positional parameters and how to map its rows.
   */
  record Query<T>(String sql, List<Object> values, RowMapper<T> rows) {

    Query {
      if (sql.indexOf(';') >= 0) {
        throw new IllegalArgumentException("one statement at a time: " + sql);
      }
      values = Collections.unmodifiableList(new ArrayList<>(values)); // nulls allowed
    }
  }

  /**
   * Runs what is held, then {@code query} (one statement) with its positional {@code values}, in
   * one round trip; the query's rows. Holds nothing after, even when a statement fails.
   */
  <T> List<T> runThen(
      JdbcClient jdbc,
      JdbcOperations operations,
      String query,
      List<Object> values,
      RowMapper<T> rows) {
    if (sql.isEmpty()) {
      return jdbc.sql(query).params(values).query(rows).list();
    }
    @SuppressWarnings("unchecked")
    List<T> found =
        (List<T>) runThenAll(operations, List.of(new Query<>(query, values, rows))).get(0);
    return found;
  }

  /**
   * Runs what is held, then each of {@code queries} in their order, in one round trip; each query's
   * rows, in the same order. Holds nothing after, even when a statement fails (the first that fails
   * fails the round trip, and its transaction is lost).
   */
  List<List<?>> runThenAll(JdbcOperations operations, List<? extends Query<?>> queries) {
    StringBuilder text = new StringBuilder(sql);
    List<Object> all = new ArrayList<>(params);
    for (Query<?> query : queries) {
      if (!text.isEmpty()) {
        text.append(";\n");
      }
      text.append(query.sql());
      all.addAll(query.values());
    }
    // The binding JdbcClient uses for positional parameters.
    PreparedStatementCreator statement =
        new PreparedStatementCreatorFactory(text.toString()).newPreparedStatementCreator(all);
    sql.setLength(0);
    params.clear();
    return operations.execute(
        statement,
        (PreparedStatementCallback<List<List<?>>>)
            ps -> {
              // The held statements' update counts, then each query's rows.
              List<List<?>> found = new ArrayList<>(queries.size());
              for (boolean isRows = ps.execute(); ; isRows = ps.getMoreResults()) {
                if (isRows) {
                  RowMapper<?> rows = queries.get(found.size()).rows();
                  List<Object> one = new ArrayList<>();
                  try (ResultSet rs = ps.getResultSet()) {
                    for (int n = 0; rs.next(); n++) {
                      one.add(rows.mapRow(rs, n));
                    }
                  }
                  found.add(one);
                } else if (ps.getUpdateCount() == -1) {
                  if (found.size() != queries.size()) {
                    throw new IllegalStateException(
                        queries.size() + " queries sent, " + found.size() + " results back");
                  }
                  return found;
                }
              }
            });
  }
}
