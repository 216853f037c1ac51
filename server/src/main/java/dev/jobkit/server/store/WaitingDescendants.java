package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.marks;
import static dev.jobkit.server.store.SqlValues.utc;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link JobStore#failWaitingDescendants}: fails, generation by generation, the jobs that wait for
 * a parent that ended without success, a thousand jobs per transaction.
 */
final class WaitingDescendants {

  private final JdbcClient jdbc;
  private final SerializedWrites writes;
  private final boolean lockRows;

  WaitingDescendants(JdbcClient jdbc, SerializedWrites writes, boolean lockRows) {
    this.jdbc = jdbc;
    this.writes = writes;
    this.lockRows = lockRows;
  }

  List<String> fail(String parentId, JobStatus parentStatus, Actor actor) {
    List<String> failed = new ArrayList<>();
    // One generation at a time: the waiting children of the jobs just failed (or of the parent),
    // each with the reason naming its own parent that ended.
    Map<String, JobStatus> ended = new LinkedHashMap<>(Map.of(parentId, parentStatus));
    while (!ended.isEmpty()) {
      Map<String, String> causes = waitingChildrenOf(ended.keySet());
      Map<String, JobStatus> next = new LinkedHashMap<>();
      List<String> children = List.copyOf(causes.keySet());
      for (int from = 0; from < children.size(); from += JdbcJobStore.CASCADE_CHUNK) {
        List<String> chunk =
            children.subList(from, Math.min(children.size(), from + JdbcJobStore.CASCADE_CHUNK));
        for (String id : failWaiting(chunk, causes, ended, actor)) {
          failed.add(id);
          next.put(id, JobStatus.FAILED);
        }
      }
      ended = next;
    }
    return failed;
  }

  /** The waiting children of these jobs, in queue order, each with the first parent found. */
  private Map<String, String> waitingChildrenOf(Collection<String> parents) {
    Map<String, String> causes = new LinkedHashMap<>();
    List<String> all = List.copyOf(parents);
    for (int from = 0; from < all.size(); from += JdbcJobStore.CASCADE_CHUNK) {
      List<String> chunk =
          all.subList(from, Math.min(all.size(), from + JdbcJobStore.CASCADE_CHUNK));
      List<Object> params = new ArrayList<>(chunk);
      params.add(JobStatus.AWAITING_PARENTS.name());
      jdbc.sql(
              "SELECT j.id, p.parent_id FROM job_parents p JOIN jobs j ON j.id = p.job_id"
                  + " WHERE p.parent_id IN ("
                  + marks(chunk)
                  + ") AND j.status = ? ORDER BY j.seq")
          .params(params)
          .query(
              rs -> {
                causes.putIfAbsent(rs.getString("id"), rs.getString("parent_id"));
              });
    }
    return causes;
  }

  /**
   * Fails those of {@code ids} still waiting, in one transaction: one read, one update per distinct
   * reason, one insert of their events and one read of their ids. The ids that it failed.
   */
  private List<String> failWaiting(
      List<String> ids, Map<String, String> causes, Map<String, JobStatus> ended, Actor actor) {
    return writes.write(
        batch -> {
          Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
          String in = marks(ids);
          List<Object> params = new ArrayList<>(ids);
          params.add(JobStatus.AWAITING_PARENTS.name());
          // Under the write lock nothing else of this service changes these rows until this
          // transaction ends; where services share the database, their locks keep the others'
          // away (taken in one order, so two cascades never wait for each other).
          Map<String, StoredEvent> rows = new LinkedHashMap<>();
          Map<String, List<String>> byReason = new LinkedHashMap<>();
          Map<String, String> reasons = new LinkedHashMap<>();
          jdbc.sql(
                  "SELECT id, owner, accessibility FROM jobs WHERE id IN ("
                      + in
                      + ") AND status = ? ORDER BY seq"
                      + (lockRows ? " FOR NO KEY UPDATE" : ""))
              .params(params)
              .query(
                  rs -> {
                    String id = rs.getString("id");
                    String cause = causes.get(id);
                    String reason = "parent_failed: parent " + cause + " ended " + ended.get(cause);
                    reasons.put(id, reason);
                    byReason.computeIfAbsent(reason, r -> new ArrayList<>()).add(id);
                    rows.put(id, RowMappers.visibility(null, rs));
                  });
          if (reasons.isEmpty()) {
            return List.<String>of();
          }
          for (Map.Entry<String, List<String>> group : byReason.entrySet()) {
            List<Object> update =
                new ArrayList<>(
                    List.of(
                        JobStatus.FAILED.name(),
                        StoredText.cut(group.getKey(), 1000),
                        StoredText.cut(group.getKey(), 4000),
                        utc(now),
                        utc(now)));
            update.addAll(group.getValue());
            update.add(JobStatus.AWAITING_PARENTS.name());
            jdbc.sql(
                    "UPDATE jobs SET status = ?, status_reason = ?, last_error = ?,"
                        + " finished_at = ?, updated_at = ? WHERE id IN ("
                        + marks(group.getValue())
                        + ") AND status = ?")
                .params(update)
                .update();
          }
          List<String> failed = List.copyOf(reasons.keySet());
          batch.addTransitions(
              failed, JobStatus.AWAITING_PARENTS, JobStatus.FAILED, now, actor, rows);
          return failed;
        });
  }
}
