package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.marks;
import static dev.jobkit.server.store.SqlValues.utc;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes the rows of {@code job_events}: a write of the store collects its events in a {@link
 * Batch} and writes them as its last step, just before it commits, in the order it added them.
 *
 * <p>Event ids grow in commit order. On PostgreSQL the batch takes its ids from the row of {@code
 * event_order} (V28), which stays locked until the transaction ends: the writes of every service on
 * the database run side by side, and only their last step, taking ids and committing, runs one at a
 * time. On H2 (one service) the identity column gives them, in commit order under the store's write
 * lock.
 */
final class EventRows {

  private static final String COLUMNS =
      "job_id, kind, from_status, to_status, at, actor, actor_kind, reason, old_value, new_value";
  private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String ROW_WITHOUT_ID = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String TYPED_NUMBERED_ROW =
      "(CAST(? AS INT), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR),"
          + " CAST(? AS VARCHAR), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR),"
          + " CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR))";

  /**
   * The most rows one insert of single events writes: 11 parameters each keeps a statement far
   * below PostgreSQL's 65,535 (a flush batch or a submitted batch may be set larger).
   */
  private static final int ROWS_PER_INSERT = 1000;

  private final JdbcClient jdbc;
  private final JdbcOperations operations;
  private final JobReads reads;
  private final boolean ordered;

  /** {@code ordered}: PostgreSQL, where ids come from {@code event_order} and rows can be held. */
  EventRows(JdbcClient jdbc, JdbcOperations operations, JobReads reads, boolean ordered) {
    this.jdbc = jdbc;
    this.operations = operations;
    this.reads = reads;
    this.ordered = ordered;
  }

  /** An empty batch, for one write. */
  Batch batch() {
    return new Batch();
  }

  /** One event, its id not given yet; {@code change} is null but for a rename or the like. */
  private record One(
      String jobId,
      EventKind kind,
      JobStatus from,
      JobStatus to,
      Instant at,
      Actor actor,
      String reason,
      String oldValue,
      String newValue,
      String owner,
      Accessibility accessibility) {

    JobEvent event(long id) {
      return new JobEvent(
          id, jobId, kind, from, to, at, actor.name(), actor.kind(), reason, oldValue, newValue);
    }

    List<Object> values() {
      return Arrays.asList(
          jobId,
          kind.wireName(),
          from == null ? null : from.name(),
          to.name(),
          utc(at),
          actor.name(),
          actor.kind().name(),
          reason,
          oldValue,
          newValue);
    }
  }

  /** Transition events of many jobs, each job's reason its {@code last_error} when written. */
  private record Many(
      List<String> jobIds,
      JobStatus from,
      JobStatus to,
      Instant at,
      Actor actor,
      Map<String, StoredEvent> visibility) {}

  /**
   * The events of one write of the store (or of a group of writes sharing a transaction), written
   * by {@link #write} as the last step, and on PostgreSQL the rows its transitions hold ({@link
   * #held}): sent ahead of the transaction's next {@link #query}, at the latest with the events.
   */
  final class Batch {

    private final List<Object> items = new ArrayList<>();
    private final PendingStatements held = ordered ? new PendingStatements() : null;
    // Rows that queryAhead fetched, by query (identity), until taken.
    private final Map<PendingStatements.Query<?>, List<?>> fetched = new IdentityHashMap<>();
    // Jobs whose final result manifest the transaction stores (their end found no result file).
    private final Set<String> resultsFinal = new HashSet<>();
    private int count;

    private Batch() {}

    /**
     * Where a transition's rows besides the job's own wait (null on H2: they run at once). Whoever
     * sends another statement in the transaction first either goes through {@link #query} or calls
     * {@link #flushHeld}.
     */
    PendingStatements held() {
      return held;
    }

    /**
     * Notes that the transaction stores the final result manifest of {@code jobId}: its end's event
     * says so ({@link StoredEvent#resultsFinal}).
     */
    void resultsFinal(String jobId) {
      resultsFinal.add(jobId);
    }

    /** {@code one} written as event {@code id}. */
    private StoredEvent stored(One one, long id) {
      return new StoredEvent(
          one.event(id),
          one.owner(),
          one.accessibility(),
          one.kind() == EventKind.TRANSITION
              && one.to().isTerminal()
              && resultsFinal.contains(one.jobId()));
    }

    /** Runs the held rows now (one round trip), if there are any. */
    void flushHeld() {
      if (held != null) {
        held.run(jdbc);
      }
    }

    /** Runs {@code sql}, a query, after the held rows, in the same round trip as they. */
    <T> List<T> query(String sql, List<Object> params, RowMapper<T> rows) {
      return held == null
          ? jdbc.sql(sql).params(params).query(rows).list()
          : held.runThen(jdbc, operations, sql, params, rows);
    }

    /**
     * {@code query}'s rows: as {@link #queryAhead} fetched them, else run now after the held rows,
     * in the same round trip as they.
     */
    <T> List<T> query(PendingStatements.Query<T> query) {
      @SuppressWarnings("unchecked")
      List<T> ahead = (List<T>) fetched.remove(query);
      return ahead != null ? ahead : query(query.sql(), query.values(), query.rows());
    }

    /** Whether {@link #queryAhead} fetched {@code query}'s rows, not yet taken. */
    boolean fetched(PendingStatements.Query<?> query) {
      return fetched.containsKey(query);
    }

    /**
     * On PostgreSQL, runs the held rows and then {@code queries}, in their order, in one round
     * trip, and keeps each query's rows for its {@link #query(PendingStatements.Query)}: for writes
     * of one transaction whose first statements do not depend on each other's other statements.
     * Nothing on H2: each query then runs when it is asked for.
     */
    void queryAhead(List<? extends PendingStatements.Query<?>> queries) {
      if (held == null || queries.size() < 2) {
        return;
      }
      List<List<?>> rows = held.runThenAll(operations, queries);
      for (int i = 0; i < queries.size(); i++) {
        fetched.put(queries.get(i), rows.get(i));
      }
    }

    /**
     * Adds one event of the job {@code jobId}, which {@code owner} and who {@code accessibility}
     * allows may see; {@code change} is null but for a rename or a change of accessibility.
     */
    void add(
        String jobId,
        EventKind kind,
        JobStatus from,
        JobStatus to,
        Instant at,
        Actor actor,
        String reason,
        FieldChange change,
        String owner,
        Accessibility accessibility) {
      // The column keeps microseconds (rounding the rest): the event sent live must say the same
      // time as the one read back from the table.
      items.add(
          new One(
              jobId,
              kind,
              from,
              to,
              at.truncatedTo(ChronoUnit.MICROS),
              actor,
              StoredText.cut(reason, 4000),
              change == null ? null : StoredText.cut(change.oldValue(), 1000),
              change == null ? null : StoredText.cut(change.newValue(), 1000),
              owner,
              accessibility));
      count++;
    }

    /**
     * Adds the transition events of {@code jobIds}, each with its job's {@code last_error} as the
     * reason; {@code visibility} holds each job's owner and accessibility.
     */
    void addTransitions(
        List<String> jobIds,
        JobStatus from,
        JobStatus to,
        Instant at,
        Actor actor,
        Map<String, StoredEvent> visibility) {
      if (!jobIds.isEmpty()) {
        items.add(new Many(List.copyOf(jobIds), from, to, at, actor, visibility));
        count += jobIds.size();
      }
    }

    /** How many events were added so far. */
    int size() {
      return count;
    }

    /**
     * Writes the events added, with their ids, in the order they were added; the events as written,
     * with who may see them. On PostgreSQL the event order stays taken until the transaction ends.
     */
    List<StoredEvent> write() {
      if (count == 0) {
        flushHeld();
        return List.of();
      }
      if (ordered && count <= ROWS_PER_INSERT && items.stream().allMatch(One.class::isInstance)) {
        // A write's usual events (a claim's, an end's, a submission's): ids and rows in one,
        // after the rows held.
        return takeIdsAndInsert();
      }
      flushHeld();
      long last = 0;
      if (ordered) {
        // Ids for all of them at once; the row stays locked until the transaction ends.
        last =
            jdbc.sql("UPDATE event_order SET last_id = last_id + ? WHERE id = 1 RETURNING last_id")
                    .param(count)
                    .query(Long.class)
                    .single()
                - count;
      }
      List<StoredEvent> written = new ArrayList<>(count);
      List<One> run = new ArrayList<>();
      for (Object item : items) {
        if (item instanceof One one) {
          run.add(one);
          continue;
        }
        last = writeOnes(run, last, written);
        run.clear();
        last = writeMany((Many) item, last, written);
      }
      writeOnes(run, last, written);
      return written;
    }

    /**
     * On PostgreSQL, single events only (at most {@link #ROWS_PER_INSERT}): their ids taken from
     * {@code event_order} by the statement that writes the rows, where {@link #write} otherwise
     * takes them first (the row stays locked until the transaction ends either way).
     */
    private List<StoredEvent> takeIdsAndInsert() {
      List<Object> params = new ArrayList<>(1 + count * 11);
      params.add(count);
      StringBuilder rows = new StringBuilder();
      for (int n = 1; n <= count; n++) {
        // The first row's types name the columns' (a null alone would be unknown).
        rows.append(n == 1 ? TYPED_NUMBERED_ROW : ", " + ROW);
        params.add(n);
        params.addAll(((One) items.get(n - 1)).values());
      }
      List<Long> ids =
          query(
              "WITH o AS (UPDATE event_order SET last_id = last_id + ? WHERE id = 1 RETURNING"
                  + " last_id) INSERT INTO job_events (id, "
                  + COLUMNS
                  + ") SELECT o.last_id - "
                  + count
                  + " + v.n, "
                  + COLUMNS
                  + " FROM o, (VALUES "
                  + rows
                  + ") AS v (n, "
                  + COLUMNS
                  + ") ORDER BY v.n RETURNING id",
              params,
              (rs, n) -> rs.getLong(1));
      List<StoredEvent> written = new ArrayList<>(count);
      addWithIds(items.stream().map(One.class::cast).toList(), ids, written);
      return written;
    }

    /**
     * Adds {@code ones} to {@code written} with the ids their insert returned: ids grow with the
     * rows' order in the statement, whatever order they come back in.
     */
    private void addWithIds(List<One> ones, List<Long> returned, List<StoredEvent> written) {
      if (returned.size() != ones.size()) {
        throw new IllegalStateException(
            "wrote " + ones.size() + " events but got " + returned.size() + " ids");
      }
      List<Long> ids = new ArrayList<>(returned);
      ids.sort(null);
      for (int i = 0; i < ones.size(); i++) {
        One one = ones.get(i);
        written.add(stored(one, ids.get(i)));
      }
    }

    private long writeOnes(List<One> ones, long last, List<StoredEvent> written) {
      if (ones.isEmpty()) {
        return last;
      }
      if (ordered) {
        for (int from = 0; from < ones.size(); from += ROWS_PER_INSERT) {
          List<One> chunk = ones.subList(from, Math.min(ones.size(), from + ROWS_PER_INSERT));
          List<Object> params = new ArrayList<>(chunk.size() * 11);
          for (One one : chunk) {
            params.add(++last);
            params.addAll(one.values());
            written.add(stored(one, last));
          }
          jdbc.sql(
                  "INSERT INTO job_events (id, "
                      + COLUMNS
                      + ") VALUES "
                      + String.join(", ", java.util.Collections.nCopies(chunk.size(), ROW)))
              .params(params)
              .update();
        }
        return last;
      }
      // H2: the identity column gives the ids, in row order, and the insert returns them.
      for (int from = 0; from < ones.size(); from += ROWS_PER_INSERT) {
        List<One> chunk = ones.subList(from, Math.min(ones.size(), from + ROWS_PER_INSERT));
        List<Object> params = new ArrayList<>(chunk.size() * 10);
        chunk.forEach(one -> params.addAll(one.values()));
        List<Long> ids =
            jdbc.sql(
                    "SELECT id FROM FINAL TABLE (INSERT INTO job_events ("
                        + COLUMNS
                        + ") VALUES "
                        + String.join(
                            ", ", java.util.Collections.nCopies(chunk.size(), ROW_WITHOUT_ID))
                        + ")")
                .params(params)
                .query(Long.class)
                .list();
        addWithIds(chunk, ids, written);
      }
      return last;
    }

    /**
     * Transition events of many jobs in two statements whatever their number: one {@code INSERT …
     * SELECT} that takes each job's reason from its {@code last_error}, and one read of the ids
     * they got (above the newest id before it: under the write lock, and on PostgreSQL the lock of
     * {@code event_order}, no other event row is written meanwhile). In id order.
     */
    private long writeMany(Many many, long last, List<StoredEvent> written) {
      long before = ordered ? last : reads.lastEventId();
      List<Object> params =
          new ArrayList<>(
              List.of(
                  EventKind.TRANSITION.wireName(),
                  many.from().name(),
                  many.to().name(),
                  utc(many.at()),
                  many.actor().name(),
                  many.actor().kind().name()));
      params.addAll(many.jobIds());
      if (ordered) {
        params.add(0, before);
        jdbc.sql(
                "INSERT INTO job_events (id, job_id, kind, from_status, to_status, at, actor,"
                    + " actor_kind, reason) SELECT ? + ROW_NUMBER() OVER (ORDER BY seq), id, ?,"
                    + " ?, ?, ?, ?, ?, last_error FROM jobs WHERE id IN ("
                    + marks(many.jobIds())
                    + ")")
            .params(params)
            .update();
      } else {
        jdbc.sql(
                "INSERT INTO job_events (job_id, kind, from_status, to_status, at, actor,"
                    + " actor_kind, reason) SELECT id, ?, ?, ?, ?, ?, ?, last_error FROM jobs"
                    + " WHERE id IN ("
                    + marks(many.jobIds())
                    + ") ORDER BY seq")
            .params(params)
            .update();
      }
      List<JobEvent> events = reads.eventsAfter(before, many.jobIds());
      if (events.size() != many.jobIds().size()) {
        throw new IllegalStateException(
            "wrote " + many.jobIds().size() + " events but read back " + events.size());
      }
      for (JobEvent event : events) {
        StoredEvent row = many.visibility().get(event.jobId());
        written.add(new StoredEvent(event, row.owner(), row.accessibility()));
      }
      return before + events.size();
    }
  }
}
