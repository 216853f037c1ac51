package dev.jobkit.server.store;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A compare-and-swap of one job's status, with the columns that change with it and any other writes
 * that belong in the same transaction.
 *
 * @param jobId the job
 * @param from the status the caller saw; the change applies only if the job still has it
 * @param to the new status, which the lifecycle table must allow from {@code from}
 * @param reason the event's reason, also written as the job's {@code status_reason}
 * @param actor who makes the change
 * @param columns other columns of the job row to set (fixed column names from code only)
 * @param alsoInTransaction writes that must commit together with the change
 */
public record Transition(
    String jobId,
    JobStatus from,
    JobStatus to,
    String reason,
    Actor actor,
    Map<String, Object> columns,
    Consumer<JobStore.Tx> alsoInTransaction) {

  public Transition {
    if (!from.canTransitionTo(to)) {
      throw new IllegalArgumentException("the lifecycle does not allow " + from + " -> " + to);
    }
    columns = new LinkedHashMap<>(columns);
  }

  public static Transition of(
      String jobId, JobStatus from, JobStatus to, Actor actor, String reason) {
    return new Transition(jobId, from, to, reason, actor, Map.of(), tx -> {});
  }

  public Transition set(String column, Object value) {
    columns.put(column, value);
    return this;
  }

  public Transition also(Consumer<JobStore.Tx> work) {
    Consumer<JobStore.Tx> before = alsoInTransaction;
    return new Transition(jobId, from, to, reason, actor, columns, before.andThen(work));
  }
}
