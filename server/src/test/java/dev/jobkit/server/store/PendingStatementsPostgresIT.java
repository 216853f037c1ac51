package dev.jobkit.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.server.support.PostgresDatabase;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The statements a write holds until its end go to a real PostgreSQL in one multi-statement query:
 * they run in the order they were added (a delete before the insert of the same key), take null
 * parameters, and the first that fails takes the others' effects with it when the transaction rolls
 * back. Held ahead of a query, they go in its round trip, and it sees what they wrote.
 */
class PendingStatementsPostgresIT {

  static PostgresDatabase database;
  static JdbcClient jdbc;
  static JdbcTemplate operations;
  static TransactionTemplate transactions;

  @BeforeAll
  static void createTable() {
    database = PostgresDatabase.create();
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setURL(database.jdbcUrl());
    source.setUser(database.user());
    jdbc = JdbcClient.create(source);
    operations = new JdbcTemplate(source);
    transactions = new TransactionTemplate(new DataSourceTransactionManager(source));
    jdbc.sql("CREATE TABLE pending_rows (id TEXT PRIMARY KEY, n INTEGER, note TEXT)").update();
  }

  @AfterAll
  static void dropDatabase() {
    if (database != null) {
      database.close();
    }
  }

  @Test
  void held_statements_run_in_their_order_with_their_nulls() {
    jdbc.sql("INSERT INTO pending_rows (id, n, note) VALUES ('a', 1, 'old')").update();
    PendingStatements pending = new PendingStatements();
    pending.add("DELETE FROM pending_rows WHERE id = ?", List.of("a"));
    pending.add(
        "INSERT INTO pending_rows (id, n, note) VALUES (?, ?, ?)", Arrays.asList("a", 2, null));
    pending.add("INSERT INTO pending_rows (id, n, note) VALUES (?, ?, ?)", List.of("b", 3, "new"));
    pending.add("UPDATE pending_rows SET n = n + ? WHERE id = ?", List.of(10, "b"));
    transactions.executeWithoutResult(status -> pending.run(jdbc));

    assertThat(rows())
        .containsExactly(
            Map.of("id", "a", "n", 2, "note", "(null)"), Map.of("id", "b", "n", 13, "note", "new"));
    pending.run(jdbc); // holds nothing after a run: nothing runs twice
    assertThat(rows()).hasSize(2);
    jdbc.sql("DELETE FROM pending_rows").update();
  }

  @Test
  void the_first_that_fails_rolls_back_the_ones_before_it() {
    jdbc.sql("INSERT INTO pending_rows (id, n, note) VALUES ('c', 1, 'kept')").update();
    PendingStatements pending = new PendingStatements();
    pending.add("UPDATE pending_rows SET note = ? WHERE id = ?", List.of("changed", "c"));
    pending.add(
        "INSERT INTO pending_rows (id, n, note) VALUES (?, ?, ?)", List.of("c", 2, "taken"));
    pending.add(
        "INSERT INTO pending_rows (id, n, note) VALUES (?, ?, ?)", List.of("d", 3, "never"));

    assertThatThrownBy(() -> transactions.executeWithoutResult(status -> pending.run(jdbc)))
        .isInstanceOf(DataAccessException.class);
    assertThat(rows()).containsExactly(Map.of("id", "c", "n", 1, "note", "kept"));
    jdbc.sql("DELETE FROM pending_rows").update();
  }

  @Test
  void held_statements_go_ahead_of_the_next_query_which_sees_what_they_wrote() {
    PendingStatements pending = new PendingStatements();
    pending.add("INSERT INTO pending_rows (id, n, note) VALUES (?, ?, ?)", List.of("e", 5, "x"));
    pending.add("UPDATE pending_rows SET n = n * ? WHERE id = ?", List.of(2, "e"));

    assertThat(setNoteReturningN(pending, "y", "e")).containsExactly(10);
    assertThat(rows()).containsExactly(Map.of("id", "e", "n", 10, "note", "y"));
    pending.run(jdbc); // holds nothing after: the insert does not run again (it would fail)
    assertThat(rows()).containsExactly(Map.of("id", "e", "n", 10, "note", "y"));
    // Nothing held: the query alone; a query that finds nothing, an empty list.
    assertThat(
            pending.runThen(
                jdbc,
                operations,
                "SELECT n FROM pending_rows WHERE id = ?",
                List.of("none"),
                (rs, n) -> rs.getInt(1)))
        .isEmpty();
    jdbc.sql("DELETE FROM pending_rows").update();
  }

  @Test
  void a_held_statement_that_fails_fails_the_query_and_nothing_stays_held() {
    jdbc.sql("INSERT INTO pending_rows (id, n, note) VALUES ('f', 1, 'kept')").update();
    PendingStatements pending = new PendingStatements();
    pending.add("INSERT INTO pending_rows (id, n, note) VALUES (?, ?, ?)", List.of("f", 2, "dup"));

    assertThatThrownBy(() -> setNoteReturningN(pending, "changed", "f"))
        .isInstanceOf(DataAccessException.class);
    assertThat(rows()).containsExactly(Map.of("id", "f", "n", 1, "note", "kept"));
    pending.run(jdbc); // holds nothing after: the failing insert does not run again
    assertThat(rows()).containsExactly(Map.of("id", "f", "n", 1, "note", "kept"));
    jdbc.sql("DELETE FROM pending_rows").update();
  }

  @Test
  void a_statement_is_one_statement() {
    assertThatThrownBy(
            () ->
                new PendingStatements()
                    .add("DELETE FROM pending_rows; DROP TABLE pending_rows", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** In a transaction: what {@code pending} holds, then a note set on row {@code id}; its n. */
  private static List<Integer> setNoteReturningN(
      PendingStatements pending, String note, String id) {
    return transactions.execute(
        status ->
            pending.runThen(
                jdbc,
                operations,
                "UPDATE pending_rows SET note = ? WHERE id = ? RETURNING n",
                List.of(note, id),
                (rs, n) -> rs.getInt(1)));
  }

  private static List<Map<String, Object>> rows() {
    return jdbc.sql("SELECT id, n, COALESCE(note, '(null)') AS note FROM pending_rows ORDER BY id")
        .query()
        .listOfRows();
  }
}
