package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.utc;

import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.server.store.JobStore.IdempotencyRecord;
import dev.jobkit.server.store.JobStore.QueueFullException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes submitted jobs, inside a write of the store: their rows in {@code jobs}, {@code job_tags}
 * and {@code job_parents}, their first events and the idempotency key they came with.
 */
final class NewJobRows {

  private final JdbcClient jdbc;
  private final JobReads reads;
  private final boolean shared;
  // One service alone on its database: per owner, a number its jobs that have not ended are known
  // not to exceed. Only a submission adds such a job (an ended job never starts again), so each
  // insert raises it and nothing else need lower it; it spares the count of the owner's waiting
  // jobs, which reads every one of them, while the owner is below the limit by this much. Guarded
  // by the store's write lock; where services share the database their inserts are not seen here,
  // so it is not used.
  private final Map<String, Long> unendedAtMost = new ConcurrentHashMap<>();
  // One service alone on its database: whether a job with parents may exist (null: not read yet).
  // Set before such a job is written, so that a parent's end that reads "no" began before any
  // insert of a child of it: that child, written after the parent ended, settles itself against
  // its parents once inserted (JobSubmitter). Never cleared.
  private final AtomicReference<Boolean> anyChildren = new AtomicReference<>();

  NewJobRows(JdbcClient jdbc, JobReads reads, boolean shared) {
    this.jdbc = jdbc;
    this.reads = reads;
    this.shared = shared;
  }

  /**
   * Whether a job waiting for its parents may exist: always where services share the database; for
   * a service alone, whether any job with parents is stored or was submitted since it started.
   */
  boolean mayHaveChildren() {
    if (shared) {
      return true;
    }
    Boolean known = anyChildren.get();
    if (known == null) {
      boolean stored =
          Boolean.TRUE.equals(
              jdbc.sql("SELECT EXISTS (SELECT 1 FROM job_parents)").query(Boolean.class).single());
      anyChildren.compareAndSet(null, stored); // an insert meanwhile has set it true
      known = anyChildren.get();
    }
    return known;
  }

  /**
   * Inserts {@code jobs} with their first events, which it adds to {@code batch}; refused with
   * {@link QueueFullException} when an owner would have more than {@code maxWaitingPerOwner} jobs
   * waiting to start. Where services share the database, it first takes the lock of each owner
   * ({@link JdbcJobStore#lockOwners}), so that no other service's submission changes the count.
   */
  void insert(
      List<NewJob> jobs,
      Actor actor,
      IdempotencyRecord idempotency,
      int maxWaitingPerOwner,
      EventRows.Batch batch) {
    if (shared && maxWaitingPerOwner < Integer.MAX_VALUE) {
      JdbcJobStore.lockOwners(jdbc, jobs.stream().map(NewJob::owner).toList());
    }
    if (maxWaitingPerOwner < Integer.MAX_VALUE) {
      checkWaitingLimit(jobs, maxWaitingPerOwner);
    }
    if (jobs.stream().anyMatch(job -> !job.parents().isEmpty())) {
      anyChildren.set(Boolean.TRUE);
    }
    // In the columns' precision (microseconds), so the submission's answer, built from what was
    // written (NewJob.asStored), and its event show the times a read shows.
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    for (NewJob job : jobs) {
      jdbc.sql(
              "INSERT INTO jobs (id, owner, display_name, description, status, status_reason,"
                  + " priority, accessibility, pod_count, command, shell, app, app_version,"
                  + " parameters, env, tags, parents, timeout_seconds, max_attempts, attempt,"
                  + " created_at, updated_at, service_only)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)")
          .params(
              job.id(),
              job.owner(),
              job.displayName(),
              job.description(),
              job.status().name(),
              job.statusReason(),
              job.priority(),
              job.accessibility().name(),
              job.podCount(),
              StoredText.json(job.command()),
              job.shell(),
              job.app(),
              job.appVersion(),
              job.app() == null ? null : StoredText.json(job.parameters()),
              StoredText.json(job.env()),
              StoredText.json(job.tags()),
              StoredText.json(job.parents()),
              job.timeoutSeconds(),
              job.maxAttempts(),
              utc(now),
              utc(now),
              job.serviceOnly())
          .update();
      for (Map.Entry<String, String> tag : job.tags().entrySet()) {
        jdbc.sql("INSERT INTO job_tags (job_id, tag_key, tag_value) VALUES (?, ?, ?)")
            .params(job.id(), tag.getKey(), tag.getValue())
            .update();
      }
      for (String parent : job.parents()) {
        jdbc.sql("INSERT INTO job_parents (job_id, parent_id) VALUES (?, ?)")
            .params(job.id(), parent)
            .update();
      }
      batch.add(
          job.id(),
          EventKind.TRANSITION,
          null,
          job.status(),
          now,
          actor,
          job.statusReason(),
          null,
          job.owner(),
          job.accessibility());
    }
    if (!shared) {
      for (NewJob job : jobs) {
        if (job.status().isActive()) {
          unendedAtMost.computeIfPresent(job.owner(), (owner, most) -> most + 1);
        }
      }
    }
    if (idempotency != null) {
      jdbc.sql(
              "INSERT INTO idempotency_keys (owner, idem_key, body_hash, job_id, created_at)"
                  + " VALUES (?, ?, ?, ?, ?)")
          .params(
              idempotency.owner(),
              idempotency.key(),
              idempotency.bodyHash(),
              idempotency.jobId(),
              utc(now))
          .update();
    }
  }

  /**
   * Counted under the write lock, in the insert's transaction, before anything is written: no other
   * insert or transition can change the count until this one commits.
   */
  private void checkWaitingLimit(List<NewJob> jobs, int limit) {
    Map<String, Integer> adding = new LinkedHashMap<>();
    for (NewJob job : jobs) {
      if (JobStore.WAITING_TO_START.contains(job.status())) {
        adding.merge(job.owner(), 1, Integer::sum);
      }
    }
    for (Map.Entry<String, Integer> owner : adding.entrySet()) {
      if (!shared) {
        // Waiting jobs are among the unended: while those leave room, so do these.
        Long most = unendedAtMost.get(owner.getKey());
        if (most == null || most + owner.getValue() > limit) {
          most = reads.activeJobs(owner.getKey());
          unendedAtMost.put(owner.getKey(), most);
        }
        if (most + owner.getValue() <= limit) {
          continue;
        }
      }
      long waiting = reads.waitingToStart(owner.getKey());
      if (waiting + owner.getValue() > limit) {
        throw new QueueFullException(owner.getKey(), waiting, owner.getValue(), limit);
      }
    }
  }
}
