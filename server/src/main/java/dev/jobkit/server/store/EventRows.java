package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.marks;
import static dev.jobkit.server.store.SqlValues.utc;

import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;

/**
 * Writes the rows of {@code job_events}, inside a write of the store, and returns them as read.
 *
 * <p>On PostgreSQL an event's id comes from the row of {@code event_order}, in the statement that
 * inserts it (V28): that row stays locked until the transaction ends, so ids grow in commit order
 * across every service on the database. On H2 (one service) the identity column gives them, in
 * commit order under the store's write lock.
 */
final class EventRows {

  private static final String COLUMNS =
      "job_id, kind, from_status, to_status, at, actor, actor_kind, reason, old_value, new_value";

  private final JdbcClient jdbc;
  private final JobReads reads;
  private final boolean ordered;

  EventRows(JdbcClient jdbc, JobReads reads, boolean ordered) {
    this.jdbc = jdbc;
    this.reads = reads;
    this.ordered = ordered;
  }

  /** One event; {@code change} is null but for a rename or a change of accessibility. */
  JobEvent insert(
      String jobId,
      EventKind kind,
      JobStatus from,
      JobStatus to,
      Instant at,
      Actor actor,
      String reason,
      FieldChange change) {
    // The column keeps microseconds (rounding the rest): the event sent live must say the same
    // time as the one read back from the table.
    Instant stored = at.truncatedTo(ChronoUnit.MICROS);
    String oldValue = change == null ? null : StoredText.cut(change.oldValue(), 1000);
    String newValue = change == null ? null : StoredText.cut(change.newValue(), 1000);
    List<Object> values =
        java.util.Arrays.asList(
            jobId,
            kind.wireName(),
            from == null ? null : from.name(),
            to.name(),
            utc(stored),
            actor.name(),
            actor.kind().name(),
            StoredText.cut(reason, 4000),
            oldValue,
            newValue);
    long id;
    if (ordered) {
      id =
          jdbc.sql(
                  "WITH n AS (UPDATE event_order SET last_id = last_id + 1 WHERE id = 1"
                      + " RETURNING last_id) INSERT INTO job_events (id, "
                      + COLUMNS
                      + ") VALUES ((SELECT last_id FROM n), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      + " RETURNING id")
              .params(values)
              .query(Long.class)
              .single();
    } else {
      GeneratedKeyHolder keys = new GeneratedKeyHolder();
      jdbc.sql("INSERT INTO job_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .params(values)
          .update(keys, "id");
      id = keys.getKeyAs(Long.class);
    }
    // Live subscribers get exactly what is stored.
    return new JobEvent(
        id,
        jobId,
        kind,
        from,
        to,
        stored,
        actor.name(),
        actor.kind(),
        StoredText.cut(reason, 4000),
        oldValue,
        newValue);
  }

  /**
   * Where events are ordered by the database (PostgreSQL), takes that order for the rest of the
   * transaction: the row of {@code event_order}, which every event insert locks anyway. Taken
   * first, it makes the writes of every service run one at a time.
   */
  void lockOrder() {
    if (ordered) {
      jdbc.sql("SELECT last_id FROM event_order WHERE id = 1 FOR UPDATE")
          .query(Long.class)
          .single();
    }
  }

  /**
   * Transition events of many jobs in two statements whatever their number: one {@code INSERT …
   * SELECT} that takes each job's reason from its {@code last_error}, and one read of the ids the
   * database gave them (above the newest id before it: under the write lock, and on PostgreSQL the
   * lock of {@code event_order}, no other event row is written meanwhile). In id order.
   */
  List<JobEvent> insertTransitions(
      List<String> jobIds, JobStatus from, JobStatus to, Instant at, Actor actor) {
    long before = ordered ? 0 : reads.lastEventId();
    List<Object> params =
        new ArrayList<>(
            List.of(
                EventKind.TRANSITION.wireName(),
                from.name(),
                to.name(),
                utc(at),
                actor.name(),
                actor.kind().name()));
    params.addAll(jobIds);
    if (ordered) {
      // Ids for all of them at once; the row stays locked until the transaction ends.
      long last =
          jdbc.sql("UPDATE event_order SET last_id = last_id + ? WHERE id = 1 RETURNING last_id")
              .param(jobIds.size())
              .query(Long.class)
              .single();
      before = last - jobIds.size();
      params.add(0, before);
      jdbc.sql(
              "INSERT INTO job_events (id, job_id, kind, from_status, to_status, at, actor,"
                  + " actor_kind, reason) SELECT ? + ROW_NUMBER() OVER (ORDER BY seq), id, ?, ?,"
                  + " ?, ?, ?, ?, last_error FROM jobs WHERE id IN ("
                  + marks(jobIds)
                  + ")")
          .params(params)
          .update();
    } else {
      jdbc.sql(
              "INSERT INTO job_events (job_id, kind, from_status, to_status, at, actor,"
                  + " actor_kind, reason) SELECT id, ?, ?, ?, ?, ?, ?, last_error FROM jobs"
                  + " WHERE id IN ("
                  + marks(jobIds)
                  + ") ORDER BY seq")
          .params(params)
          .update();
    }
    List<JobEvent> events = reads.eventsAfter(before, jobIds);
    if (events.size() != jobIds.size()) {
      throw new IllegalStateException(
          "wrote " + jobIds.size() + " events but read back " + events.size());
    }
    return events;
  }
}
