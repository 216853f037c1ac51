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

/** Writes the rows of {@code job_events}, inside a write of the store, and returns them as read. */
final class EventRows {

  private final JdbcClient jdbc;
  private final JobReads reads;

  EventRows(JdbcClient jdbc, JobReads reads) {
    this.jdbc = jdbc;
    this.reads = reads;
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
    GeneratedKeyHolder keys = new GeneratedKeyHolder();
    jdbc.sql(
            "INSERT INTO job_events (job_id, kind, from_status, to_status, at, actor, actor_kind,"
                + " reason, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            jobId,
            kind.wireName(),
            from == null ? null : from.name(),
            to.name(),
            utc(stored),
            actor.name(),
            actor.kind().name(),
            StoredText.cut(reason, 4000),
            oldValue,
            newValue)
        .update(keys, "id");
    long id = keys.getKeyAs(Long.class);
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
   * Transition events of many jobs in two statements whatever their number: one {@code INSERT …
   * SELECT} that takes each job's reason from its {@code last_error}, and one read of the ids the
   * database gave them (above the newest id before it: under the write lock no other event row is
   * written meanwhile). In id order.
   */
  List<JobEvent> insertTransitions(
      List<String> jobIds, JobStatus from, JobStatus to, Instant at, Actor actor) {
    long before = reads.lastEventId();
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
    jdbc.sql(
            "INSERT INTO job_events (job_id, kind, from_status, to_status, at, actor, actor_kind,"
                + " reason) SELECT id, ?, ?, ?, ?, ?, ?, last_error FROM jobs WHERE id IN ("
                + marks(jobIds)
                + ") ORDER BY seq")
        .params(params)
        .update();
    List<JobEvent> events = reads.eventsAfter(before, jobIds);
    if (events.size() != jobIds.size()) {
      throw new IllegalStateException(
          "wrote " + jobIds.size() + " events but read back " + events.size());
    }
    return events;
  }
}
