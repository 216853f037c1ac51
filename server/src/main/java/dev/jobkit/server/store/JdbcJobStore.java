package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.marks;
import static dev.jobkit.server.store.SqlValues.utc;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link JobStore} on plain SQL. A service's writes run one at a time and are committed before
 * their events are handed to the {@link CommittedEventListener}s, so event ids are seen in commit
 * order ({@link SerializedWrites}, {@link EventRows}); where services share the database, claims
 * skip rows another write holds and take their owner's lock ({@link #lockOwners}). Reads are {@link
 * JobReads}; rows are read by {@link RowMappers}.
 */
@Repository
class JdbcJobStore implements JobStore, SmartInitializingSingleton {

  // The lifecycle table's sets as SQL lists: derived from JobStatus, never written out here.
  static final List<JobStatus> TERMINAL = statesWhere(JobStatus::isTerminal);
  static final List<JobStatus> CLAIMABLE = statesWhere(JobStatus::isClaimable);
  static final List<JobStatus> IN_FLIGHT = statesWhere(JobStatus::isInFlight);
  static final List<JobStatus> WAITING = statesWhere(WAITING_TO_START::contains);
  static final List<JobStatus> ACTIVE = statesWhere(JobStatus::isActive);

  /** The first key of the owners' advisory locks ({@link #lockOwners}): "jk" and 1. */
  private static final int OWNER_LOCKS = 0x6a6b0001;

  /** The most jobs one transaction of a cascade fails (and whose events it publishes at once). */
  static final int CASCADE_CHUNK = 1000;

  private final JdbcClient jdbc;
  private final SerializedWrites writes;
  private final boolean shared;
  private final JobReads reads;
  private final EventRows events;
  private final WaitingDescendants descendants;
  private final NewJobRows newJobs;
  private final boolean postgres;

  @Autowired
  JdbcJobStore(
      JdbcClient jdbc,
      TransactionTemplate transactions,
      ObjectProvider<CommittedEventListener> listeners,
      Database database,
      ServiceMembers members) {
    this(jdbc, transactions, listeners, database, members.shared());
  }

  /** A store as one of several services sharing a PostgreSQL database would have it (tests). */
  JdbcJobStore(
      JdbcClient jdbc,
      TransactionTemplate transactions,
      ObjectProvider<CommittedEventListener> listeners,
      Database database) {
    this(jdbc, transactions, listeners, database, database.postgres());
  }

  private JdbcJobStore(
      JdbcClient jdbc,
      TransactionTemplate transactions,
      ObjectProvider<CommittedEventListener> listeners,
      Database database,
      boolean shared) {
    this.jdbc = jdbc;
    this.shared = shared;
    this.postgres = database.postgres();
    this.reads = new JobReads(jdbc, postgres);
    this.events = new EventRows(jdbc, database.operations(), reads, database.postgres());
    this.writes =
        new SerializedWrites(
            transactions,
            events,
            listeners,
            // For the writes a crash may lose: their commit returns before its WAL is flushed.
            database.postgres()
                ? () -> jdbc.sql("SET LOCAL synchronous_commit TO OFF").update()
                : () -> {});
    this.descendants = new WaitingDescendants(jdbc, writes, shared);
    this.newJobs = new NewJobRows(jdbc, reads, shared);
  }

  @Override
  public void afterSingletonsInstantiated() {
    writes.resolveListeners();
  }

  @Override
  public List<JobEvent> insert(
      List<NewJob> jobs, Actor actor, IdempotencyRecord idempotency, int maxWaitingPerOwner) {
    return writes.writeEvents(
        batch -> newJobs.insert(jobs, actor, idempotency, maxWaitingPerOwner, batch));
  }

  @Override
  public Optional<JobEvent> transition(Transition t, Runnable queued) {
    Instant now = Instant.now();
    PendingStatements.Query<StoredEvent> lead =
        checksClaimable(t) ? null : moveQuery(t, t.to(), t.reason(), t.columns(), now);
    return writes.writeTransitions(lead, batch -> apply(t, batch, lead, now), queued).stream()
        .findFirst();
  }

  /** Whether the transition must look at the owner's running jobs first (a shared database). */
  private boolean checksClaimable(Transition t) {
    return t.ownerLimit() != null && shared;
  }

  @Override
  public Optional<JobEvent> note(
      String jobId, JobStatus status, EventKind kind, Actor actor, String reason) {
    return writes
        .writeEvents(
            batch -> {
              Optional<Job> job = reads.findSummary(jobId);
              if (job.isPresent() && job.get().status() == status) {
                batch.add(
                    jobId,
                    kind,
                    status,
                    status,
                    Instant.now(),
                    actor,
                    reason,
                    null,
                    job.get().owner(),
                    job.get().accessibility());
              }
            })
        .stream()
        .findFirst();
  }

  @Override
  public List<JobEvent> transitionThrough(List<Transition> steps, Runnable queued) {
    Transition first = steps.get(0);
    Transition last = steps.get(steps.size() - 1);
    // The steps' columns, a later step's value over an earlier one's: the row is written once,
    // from the first step's status to the last one's (nobody sees it between them).
    Map<String, Object> columns = new LinkedHashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      Transition step = steps.get(i);
      if (!step.jobId().equals(first.jobId()) || (i > 0 && step.from() != steps.get(i - 1).to())) {
        throw new IllegalArgumentException("steps of one job, each from where the one before ends");
      }
      columns.putAll(step.columns());
    }
    Instant now = Instant.now();
    PendingStatements.Query<StoredEvent> move =
        moveQuery(first, last.to(), last.reason(), columns, now);
    boolean check = checksClaimable(first);
    return writes.writeTransitions(
        check ? null : move,
        batch -> {
          if (check && !claimable(first)) {
            return;
          }
          Optional<StoredEvent> moved = batch.query(move).stream().findFirst();
          if (moved.isEmpty()) {
            return; // moved on before the first: nothing written
          }
          AttemptRows rows = new AttemptRows(jdbc, batch);
          for (Transition step : steps) {
            step.alsoInTransaction().accept(rows);
            addEvent(batch, step, now, moved.get());
          }
        },
        queued);
  }

  @Override
  public void recordPids(List<StartedPids> started) {
    if (started.isEmpty()) {
      return;
    }
    writes.writeUnflushed(
        () -> {
          for (StartedPids attempt : started) {
            for (int pod = 0; pod < attempt.pids().size(); pod++) {
              // The pods' rows are the job's current attempt's: a retry's replace them.
              jdbc.sql(
                      "UPDATE job_pods SET pid = ? WHERE job_id = ? AND pod_index = ? AND EXISTS"
                          + " (SELECT 1 FROM jobs WHERE id = ? AND attempt = ?)")
                  .params(
                      attempt.pids().get(pod),
                      attempt.jobId(),
                      pod,
                      attempt.jobId(),
                      attempt.attempt())
                  .update();
            }
          }
        });
  }

  @Override
  public List<Transition> transitionAll(List<Transition> transitions) {
    if (transitions.isEmpty()) {
      return List.of();
    }
    return writes.write(
        batch -> {
          List<Transition> applied = new ArrayList<>();
          for (Transition t : transitions) {
            if (apply(t, batch, null, Instant.now())) {
              applied.add(t);
            }
          }
          return applied;
        });
  }

  /**
   * One transition inside a write's transaction at {@code now}, its event added to {@code batch};
   * whether the job was still in from. {@code lead}: its row's move, made in advance, or null.
   */
  private boolean apply(
      Transition t, EventRows.Batch batch, PendingStatements.Query<StoredEvent> lead, Instant now) {
    if (lead == null && checksClaimable(t) && !claimable(t)) {
      return false;
    }
    Optional<StoredEvent> moved =
        batch
            .query(lead != null ? lead : moveQuery(t, t.to(), t.reason(), t.columns(), now))
            .stream()
            .findFirst();
    if (moved.isEmpty()) {
      return false;
    }
    // On PostgreSQL its rows are held: they go with the transaction's next statement.
    t.alsoInTransaction().accept(new AttemptRows(jdbc, batch));
    addEvent(batch, t, now, moved.get());
    return true;
  }

  /**
   * The statement that moves the job's row from where {@code first} expects it (its status, and its
   * attempt if it names one) to {@code to} with {@code columns}; its row says who may see the job's
   * events (its owner and accessibility), and there is none when the job was no longer there. Sent
   * after the rows earlier moves of its transaction hold, in their round trip.
   */
  private PendingStatements.Query<StoredEvent> moveQuery(
      Transition first, JobStatus to, String reason, Map<String, Object> columns, Instant now) {
    StringBuilder sql =
        new StringBuilder("UPDATE jobs SET status = ?, status_reason = ?, updated_at = ?");
    List<Object> params = new ArrayList<>(List.of(to.name()));
    // Reasons may quote what a user sent (a program name): keep them within their columns.
    params.add(StoredText.cut(reason, 1000));
    params.add(utc(now));
    columns.forEach(
        (column, value) -> {
          sql.append(", ").append(column).append(" = ?");
          params.add(
              value instanceof Instant i
                  ? utc(i)
                  : column.equals("last_error") ? StoredText.cut((String) value, 4000) : value);
        });
    sql.append(" WHERE id = ? AND status = ?");
    params.add(first.jobId());
    params.add(first.from().name());
    if (first.whileAttempt() != null) {
      sql.append(" AND attempt = ?");
      params.add(first.whileAttempt());
    }
    // Who may see the event comes back with the update: one statement, not a read after it.
    String update =
        postgres
            ? sql + " RETURNING owner, accessibility"
            : "SELECT owner, accessibility FROM FINAL TABLE (" + sql + ")";
    return new PendingStatements.Query<>(
        update, params, (rs, n) -> RowMappers.visibility(null, rs));
  }

  private static void addEvent(
      EventRows.Batch batch, Transition t, Instant at, StoredEvent visibility) {
    batch.add(
        t.jobId(),
        EventKind.TRANSITION,
        t.from(),
        t.to(),
        at,
        t.actor(),
        t.reason(),
        null,
        visibility.owner(),
        visibility.accessibility());
  }

  /**
   * Where services share the database: whether this claim may go on. It takes the job's row unless
   * another service's write holds it ({@code FOR NO KEY UPDATE SKIP LOCKED}: that one is claiming
   * or moving it), then its owner's lock ({@link #lockOwners}), and counts the owner's jobs in
   * flight under it: no other claim of the owner, on any service, commits between this count and
   * this claim. A service claims only while its row in {@code services} has not been ended: the
   * share lock on that row orders the claim with another service ending it (it found this one
   * dead), which recovers the jobs of the rows it ends, so no claim commits unseen by that
   * recovery.
   */
  private boolean claimable(Transition t) {
    if (t.columns().get("service_id") instanceof String service
        && jdbc.sql("SELECT id FROM services WHERE id = ? AND ended_at IS NULL FOR SHARE")
            .param(service)
            .query(String.class)
            .optional()
            .isEmpty()) {
      return false;
    }
    Optional<String> owner =
        jdbc.sql("SELECT owner FROM jobs WHERE id = ? AND status = ? FOR NO KEY UPDATE SKIP LOCKED")
            .params(t.jobId(), t.from().name())
            .query(String.class)
            .optional();
    if (owner.isEmpty()) {
      return false;
    }
    lockOwners(jdbc, List.of(owner.get()));
    Long inFlight =
        jdbc.sql(
                "SELECT COUNT(*) FROM jobs WHERE owner = ? AND status IN ("
                    + marks(IN_FLIGHT)
                    + ")")
            .params(concat(owner.get(), names(IN_FLIGHT)))
            .query(Long.class)
            .single();
    return inFlight < t.ownerLimit();
  }

  /**
   * Takes the lock of each of {@code owners} for the rest of the transaction (a PostgreSQL advisory
   * lock, in sorted order so that two writes never wait for each other): the claims and submissions
   * of one owner, on any service, run one at a time, so the counts of its limits hold.
   */
  static void lockOwners(JdbcClient jdbc, Collection<String> owners) {
    for (String owner : new java.util.TreeSet<>(owners)) {
      jdbc.sql("SELECT pg_advisory_xact_lock(?, hashtext(?))")
          .params(OWNER_LOCKS, owner)
          .query(rs -> {});
    }
  }

  private static List<Object> concat(Object first, List<?> rest) {
    List<Object> all = new ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }

  @Override
  public boolean update(String id, JobUpdate u, Actor actor) {
    return writes.write(
        batch -> {
          // Read under the write lock, in the transaction: what it was just before this change.
          Optional<Job> before = reads.findSummary(id);
          if (before.isEmpty()) {
            return false;
          }
          Job job = before.get();
          Instant now = Instant.now();
          StringBuilder sql = new StringBuilder("UPDATE jobs SET updated_at = ?");
          List<Object> params = new ArrayList<>();
          params.add(utc(now));
          if (u.displayName() != null) {
            sql.append(", display_name = ?");
            params.add(u.displayName());
          }
          if (u.description() != null) {
            sql.append(", description = ?");
            params.add(u.description());
          }
          if (u.priority() != null) {
            sql.append(", priority = ?");
            params.add(u.priority());
          }
          if (u.accessibility() != null) {
            sql.append(", accessibility = ?");
            params.add(u.accessibility().name());
          }
          if (u.podCount() != null) {
            sql.append(", pod_count = ?");
            params.add(u.podCount());
          }
          sql.append(" WHERE id = ?");
          params.add(id);
          if (jdbc.sql(sql.toString()).params(params).update() == 0) {
            return false;
          }
          // Who may see the job now decides who may see the events about it.
          Accessibility visibility =
              u.accessibility() != null ? u.accessibility() : job.accessibility();
          List<FieldChange> changes = new ArrayList<>();
          if (u.displayName() != null && !u.displayName().equals(job.displayName())) {
            changes.add(new FieldChange(EventKind.RENAMED, job.displayName(), u.displayName()));
          }
          if (u.accessibility() != null && u.accessibility() != job.accessibility()) {
            changes.add(
                new FieldChange(
                    EventKind.ACCESSIBILITY_CHANGED,
                    job.accessibility().name(),
                    u.accessibility().name()));
          }
          for (FieldChange change : changes) {
            batch.add(
                id,
                change.kind(),
                job.status(),
                job.status(),
                now,
                actor,
                change.reason(),
                change,
                job.owner(),
                visibility);
          }
          return true;
        });
  }

  @Override
  public void setStatusReason(String id, JobStatus expected, String reason) {
    writes.write(
        p ->
            jdbc.sql("UPDATE jobs SET status_reason = ? WHERE id = ? AND status = ?")
                .params(reason, id, expected.name())
                .update());
  }

  @Override
  public void saveReport(String id, String progressJson, String metricsJson) {
    writes.write(
        p ->
            jdbc.sql("UPDATE jobs SET progress = ?, metrics = ? WHERE id = ?")
                .params(progressJson, metricsJson, id)
                .update());
  }

  @Override
  public boolean markResultsExpired(String id, java.time.Instant at) {
    return writes.write(
        p -> {
          boolean marked =
              jdbc.sql(
                          "UPDATE jobs SET results_expired_at = ? WHERE id = ?"
                              + " AND results_expired_at IS NULL")
                      .params(SqlValues.utc(at), id)
                      .update()
                  > 0;
          if (marked) {
            jdbc.sql("DELETE FROM job_result_manifests WHERE job_id = ?").param(id).update();
          }
          return marked;
        });
  }

  @Override
  public boolean deleteTerminal(String id) {
    return writes.write(
        p -> {
          List<Object> params = new ArrayList<>(List.of(id));
          params.addAll(names(TERMINAL));
          return jdbc.sql("DELETE FROM jobs WHERE id = ? AND status IN (" + marks(TERMINAL) + ")")
                  .params(params)
                  .update()
              > 0;
        });
  }

  @Override
  public List<String> deleteAllTerminal(Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return writes.write(
        p -> {
          List<Object> params = new ArrayList<>(ids);
          params.addAll(names(TERMINAL));
          String where =
              " WHERE id IN (" + marks(ids) + ") AND status IN (" + marks(TERMINAL) + ")";
          // Under the write lock nothing moves between the two: the ones read are the ones deleted.
          List<String> deleted =
              jdbc.sql("SELECT id FROM jobs" + where).params(params).query(String.class).list();
          if (!deleted.isEmpty()) {
            jdbc.sql("DELETE FROM jobs" + where).params(params).update();
          }
          return deleted;
        });
  }

  @Override
  public long waitingToStart(String owner) {
    return reads.waitingToStart(owner);
  }

  @Override
  public Optional<Job> find(String id) {
    return reads.findAll(List.of(id)).stream().findFirst();
  }

  @Override
  public List<Job> findAll(List<String> ids) {
    return reads.findAll(ids);
  }

  @Override
  public Optional<Job> findSummary(String id) {
    return reads.findSummary(id);
  }

  @Override
  public Page list(JobQuery query) {
    return reads.list(query);
  }

  @Override
  public long highestSeq() {
    return reads.highestSeq();
  }

  @Override
  public long lastEventId() {
    return reads.lastEventId();
  }

  @Override
  public Map<String, JobStatus> statuses(Collection<String> ids) {
    return reads.statuses(ids);
  }

  @Override
  public Optional<Candidate> nextClaimable(String owner) {
    return reads.nextClaimable(owner);
  }

  @Override
  public Set<String> ownersWithClaimableJobs() {
    return reads.ownersWithClaimableJobs();
  }

  @Override
  public List<String> idsInStatus(Set<JobStatus> statuses) {
    return reads.idsInStatus(statuses);
  }

  @Override
  public List<String> waitingChildren(String parentId) {
    if (!newJobs.mayHaveChildren()) {
      return List.of();
    }
    return reads.waitingChildren(parentId);
  }

  @Override
  public Map<Integer, Long> logStarts(String jobId, int pod) {
    return reads.logStarts(jobId, pod);
  }

  @Override
  public List<JobEvent> events(String jobId) {
    return reads.events(jobId);
  }

  @Override
  public List<StoredEvent> eventsAfter(long afterId, int limit) {
    return reads.eventsAfter(afterId, limit);
  }

  @Override
  public Optional<IdempotencyRecord> idempotency(String owner, String key) {
    return reads.idempotency(owner, key);
  }

  @Override
  public List<String> failWaitingDescendants(String parentId, JobStatus parentStatus, Actor actor) {
    if (!newJobs.mayHaveChildren()) {
      return List.of();
    }
    return descendants.fail(parentId, parentStatus, actor);
  }

  /** The states for which {@code rule} holds, in the enum's order. */
  private static List<JobStatus> statesWhere(Predicate<JobStatus> rule) {
    return Arrays.stream(JobStatus.values()).filter(rule).toList();
  }

  static List<Object> names(Collection<JobStatus> statuses) {
    return statuses.stream().map(s -> (Object) s.name()).toList();
  }
}
