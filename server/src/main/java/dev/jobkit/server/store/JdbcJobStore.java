package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.Attempt;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobResult;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.jobs.Pod;
import dev.jobkit.sdk.jobs.PodStatus;
import dev.jobkit.sdk.jobs.Progress;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link JobStore} on plain SQL. Writes are serialized by one lock and committed before their
 * events are handed to the {@link CommittedEventListener}s, so event ids are seen in commit order.
 */
@Repository
class JdbcJobStore implements JobStore, SmartInitializingSingleton {

  private static final String JOB_COLUMNS =
      "seq, id, owner, display_name, description, status, status_reason, priority, accessibility,"
          + " pod_count, command, shell, env, tags, parents, timeout_seconds, max_attempts,"
          + " attempt, progress, metrics, last_error, exit_code, output_files, output_bytes,"
          + " created_at, updated_at, started_at, finished_at";
  // The lifecycle table's sets as SQL lists: derived from JobStatus, never written out here.
  static final List<JobStatus> TERMINAL = statesWhere(JobStatus::isTerminal);
  static final List<JobStatus> CLAIMABLE = statesWhere(JobStatus::isClaimable);
  static final List<JobStatus> WAITING = statesWhere(WAITING_TO_START::contains);
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<Map<String, Double>> NUMBER_MAP = new TypeReference<>() {};

  /** The most jobs one transaction of a cascade fails (and whose events it publishes at once). */
  static final int CASCADE_CHUNK = 1000;

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final ObjectProvider<CommittedEventListener> listeners;
  // Resolved once every singleton exists: looking the listeners up on each write cost a tenth of
  // the engine's CPU. Until then (nothing is dispatched yet), they are looked up each time.
  private volatile List<CommittedEventListener> resolvedListeners;
  private final JsonMapper json = JsonMapper.builder().build();
  private final ReentrantLock writeLock = new ReentrantLock();

  JdbcJobStore(
      JdbcClient jdbc,
      TransactionTemplate transactions,
      ObjectProvider<CommittedEventListener> listeners) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.listeners = listeners;
  }

  @Override
  public void afterSingletonsInstantiated() {
    resolvedListeners = listeners.orderedStream().toList();
  }

  @Override
  public List<JobEvent> insert(
      List<NewJob> jobs, Actor actor, IdempotencyRecord idempotency, int maxWaitingPerOwner) {
    return write(
        published -> {
          if (maxWaitingPerOwner < Integer.MAX_VALUE) {
            checkWaitingLimit(jobs, maxWaitingPerOwner);
          }
          Instant now = Instant.now();
          List<JobEvent> events = new ArrayList<>();
          for (NewJob job : jobs) {
            jdbc.sql(
                    "INSERT INTO jobs (id, owner, display_name, description, status, status_reason,"
                        + " priority, accessibility, pod_count, command, shell, env, tags, parents,"
                        + " timeout_seconds, max_attempts, attempt, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)")
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
                    toJson(job.command()),
                    job.shell(),
                    toJson(job.env()),
                    toJson(job.tags()),
                    toJson(job.parents()),
                    job.timeoutSeconds(),
                    job.maxAttempts(),
                    utc(now),
                    utc(now))
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
            JobEvent event =
                insertEvent(
                    job.id(),
                    EventKind.TRANSITION,
                    null,
                    job.status(),
                    now,
                    actor,
                    job.statusReason(),
                    null);
            events.add(event);
            published.add(new StoredEvent(event, job.owner(), job.accessibility()));
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
          return events;
        });
  }

  /**
   * Counted under the write lock, in the insert's transaction, before anything is written: no other
   * insert or transition can change the count until this one commits.
   */
  private void checkWaitingLimit(List<NewJob> jobs, int limit) {
    Map<String, Integer> adding = new LinkedHashMap<>();
    for (NewJob job : jobs) {
      if (WAITING_TO_START.contains(job.status())) {
        adding.merge(job.owner(), 1, Integer::sum);
      }
    }
    for (Map.Entry<String, Integer> owner : adding.entrySet()) {
      long waiting = waitingToStart(owner.getKey());
      if (waiting + owner.getValue() > limit) {
        throw new QueueFullException(owner.getKey(), waiting, owner.getValue(), limit);
      }
    }
  }

  @Override
  public long waitingToStart(String owner) {
    // One range of the jobs_queue index (owner, status, ...) per state.
    List<Object> params = new ArrayList<>(List.of(owner));
    params.addAll(names(WAITING));
    return jdbc.sql(
            "SELECT COUNT(*) FROM jobs WHERE owner = ? AND status IN (" + marks(WAITING) + ")")
        .params(params)
        .query(Long.class)
        .single();
  }

  @Override
  public Optional<Job> find(String id) {
    return findAll(List.of(id)).stream().findFirst();
  }

  @Override
  public List<Job> findAll(List<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    String in = ids.stream().map(id -> "?").collect(Collectors.joining(", "));
    Map<String, Job> jobs =
        jdbc
            .sql("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id IN (" + in + ")")
            .params(ids)
            .query((rs, n) -> readJob(rs))
            .list()
            .stream()
            .collect(Collectors.toMap(Job::id, j -> j));
    if (jobs.isEmpty()) {
      return List.of();
    }
    Map<String, List<Pod>> pods =
        jdbc
            .sql("SELECT * FROM job_pods WHERE job_id IN (" + in + ") ORDER BY job_id, pod_index")
            .params(ids)
            .query((rs, n) -> Map.entry(rs.getString("job_id"), readPod(rs)))
            .list()
            .stream()
            .collect(byJob());
    Map<String, List<Attempt>> attempts =
        jdbc
            .sql("SELECT * FROM job_attempts WHERE job_id IN (" + in + ") ORDER BY job_id, number")
            .params(ids)
            .query((rs, n) -> Map.entry(rs.getString("job_id"), readAttempt(rs)))
            .list()
            .stream()
            .collect(byJob());
    return ids.stream()
        .map(jobs::get)
        .filter(Objects::nonNull)
        .map(
            j ->
                withDetails(
                    j,
                    pods.getOrDefault(j.id(), List.of()),
                    attempts.getOrDefault(j.id(), List.of())))
        .toList();
  }

  @Override
  public Optional<Job> findSummary(String id) {
    return jdbc.sql("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = ?")
        .param(id)
        .query((rs, n) -> readJob(rs))
        .optional();
  }

  @Override
  public Page list(JobQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + JOB_COLUMNS + " FROM jobs j WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    // Visibility, written so that an owner filter can use the owner indexes: the OR form cannot.
    // Another user's view of one owner is "owner = ? AND accessibility = 'PUBLIC'", the prefix of
    // jobs_owner_visibility (owner, accessibility, seq): it reads that owner's public jobs newest
    // first and never their private ones.
    if (!q.viewerIsAdmin()) {
      if (q.owner() == null) {
        sql.append(" AND (j.owner = ? OR j.accessibility = 'PUBLIC')");
        params.add(q.viewer());
      } else if (!q.owner().equals(q.viewer())) {
        sql.append(" AND j.owner = ? AND j.accessibility = 'PUBLIC'");
        params.add(q.owner());
      }
    }
    if (!q.statuses().isEmpty()) {
      sql.append(" AND j.status IN (")
          .append(q.statuses().stream().map(s -> "?").collect(Collectors.joining(", ")))
          .append(')');
      q.statuses().forEach(s -> params.add(s.name()));
    }
    if (q.owner() != null && (q.viewerIsAdmin() || q.owner().equals(q.viewer()))) {
      sql.append(" AND j.owner = ?");
      params.add(q.owner());
    }
    q.tags()
        .forEach(
            (k, v) -> {
              sql.append(
                  " AND EXISTS (SELECT 1 FROM job_tags t WHERE t.job_id = j.id"
                      + " AND t.tag_key = ? AND t.tag_value = ?)");
              params.add(k);
              params.add(v);
            });
    if (q.nameContains() != null) {
      sql.append(" AND LOWER(j.display_name) LIKE ? ESCAPE '\\'");
      params.add("%" + escapeLike(q.nameContains().toLowerCase(Locale.ROOT)) + "%");
    }
    if (q.parent() != null) {
      sql.append(
          " AND EXISTS (SELECT 1 FROM job_parents p WHERE p.job_id = j.id AND p.parent_id = ?)");
      params.add(q.parent());
    }
    if (q.createdAfter() != null) {
      sql.append(" AND j.created_at > ?");
      params.add(utc(q.createdAfter()));
    }
    if (q.createdBefore() != null) {
      sql.append(" AND j.created_at < ?");
      params.add(utc(q.createdBefore()));
    }
    if (q.beforeSeq() != null) {
      sql.append(" AND j.seq < ?");
      params.add(q.beforeSeq());
    }
    boolean bounded = q.limit() < Integer.MAX_VALUE;
    sql.append(" ORDER BY j.seq DESC");
    if (bounded) {
      sql.append(" LIMIT ?");
      params.add(q.limit() + 1);
    }
    List<Long> seqs = new ArrayList<>();
    List<Job> jobs =
        jdbc.sql(sql.toString())
            .params(params)
            .query(
                (rs, n) -> {
                  seqs.add(rs.getLong("seq"));
                  return readJob(rs);
                })
            .list();
    boolean more = bounded && jobs.size() > q.limit();
    if (more) {
      jobs = jobs.subList(0, q.limit());
    }
    Long last = jobs.isEmpty() ? null : seqs.get(jobs.size() - 1);
    return new Page(List.copyOf(jobs), last, more);
  }

  @Override
  public long highestSeq() {
    return jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM jobs").query(Long.class).single();
  }

  @Override
  public long lastEventId() {
    return jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM job_events").query(Long.class).single();
  }

  @Override
  public Map<String, JobStatus> statuses(Collection<String> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    String marks = ids.stream().map(i -> "?").collect(Collectors.joining(", "));
    Map<String, JobStatus> result = new LinkedHashMap<>();
    jdbc.sql("SELECT id, status FROM jobs WHERE id IN (" + marks + ")")
        .params(List.copyOf(ids))
        .query(
            rs -> {
              result.put(rs.getString("id"), JobStatus.valueOf(rs.getString("status")));
            });
    return result;
  }

  @Override
  public Optional<JobEvent> transition(Transition t) {
    return write(published -> apply(t, published));
  }

  @Override
  public List<Transition> transitionAll(List<Transition> transitions) {
    if (transitions.isEmpty()) {
      return List.of();
    }
    return write(
        published -> {
          List<Transition> applied = new ArrayList<>();
          for (Transition t : transitions) {
            if (apply(t, published).isPresent()) {
              applied.add(t);
            }
          }
          return applied;
        });
  }

  /** One transition inside a write's transaction: its event if the job was still in from. */
  private Optional<JobEvent> apply(Transition t, List<StoredEvent> published) {
    Instant now = Instant.now();
    StringBuilder sql =
        new StringBuilder("UPDATE jobs SET status = ?, status_reason = ?, updated_at = ?");
    List<Object> params = new ArrayList<>(List.of(t.to().name()));
    // Reasons may quote what a user sent (a program name): keep them within their columns.
    params.add(truncate(t.reason(), 1000));
    params.add(utc(now));
    t.columns()
        .forEach(
            (column, value) -> {
              sql.append(", ").append(column).append(" = ?");
              params.add(
                  value instanceof Instant i
                      ? utc(i)
                      : column.equals("last_error") ? truncate((String) value, 4000) : value);
            });
    sql.append(" WHERE id = ? AND status = ?");
    params.add(t.jobId());
    params.add(t.from().name());
    if (jdbc.sql(sql.toString()).params(params).update() == 0) {
      return Optional.empty();
    }
    t.alsoInTransaction().accept(new JdbcTx());
    JobEvent event =
        insertEvent(
            t.jobId(), EventKind.TRANSITION, t.from(), t.to(), now, t.actor(), t.reason(), null);
    jdbc.sql("SELECT owner, accessibility FROM jobs WHERE id = ?")
        .param(t.jobId())
        .query(
            rs -> {
              published.add(
                  new StoredEvent(
                      event,
                      rs.getString("owner"),
                      Accessibility.valueOf(rs.getString("accessibility"))));
            });
    return Optional.of(event);
  }

  @Override
  public boolean update(String id, JobUpdate u, Actor actor) {
    return write(
        published -> {
          // Read under the write lock, in the transaction: what it was just before this change.
          Optional<Job> before = findSummary(id);
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
            JobEvent event =
                insertEvent(
                    id,
                    change.kind(),
                    job.status(),
                    job.status(),
                    now,
                    actor,
                    change.reason(),
                    change);
            published.add(new StoredEvent(event, job.owner(), visibility));
          }
          return true;
        });
  }

  @Override
  public void setStatusReason(String id, JobStatus expected, String reason) {
    write(
        p ->
            jdbc.sql("UPDATE jobs SET status_reason = ? WHERE id = ? AND status = ?")
                .params(reason, id, expected.name())
                .update());
  }

  @Override
  public void saveReport(String id, String progressJson, String metricsJson) {
    write(
        p ->
            jdbc.sql("UPDATE jobs SET progress = ?, metrics = ? WHERE id = ?")
                .params(progressJson, metricsJson, id)
                .update());
  }

  @Override
  public boolean deleteTerminal(String id) {
    return write(
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
    return write(
        p -> {
          String in = ids.stream().map(id -> "?").collect(Collectors.joining(", "));
          List<Object> params = new ArrayList<>(ids);
          params.addAll(names(TERMINAL));
          String where = " WHERE id IN (" + in + ") AND status IN (" + marks(TERMINAL) + ")";
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
  public Optional<Candidate> nextClaimable(String owner) {
    Candidate best = null;
    for (JobStatus status : CLAIMABLE) {
      // The ORDER BY names every column of jobs_queue, even the two fixed by the WHERE: H2 reads
      // the first row of the index only for an ORDER BY that is a prefix of it; for
      // "priority DESC, seq" it sorts all of the owner's queued jobs (90 ms with 100,000).
      Optional<Candidate> head =
          jdbc.sql(
                  "SELECT id, owner, priority, seq, pod_count FROM jobs"
                      + " WHERE owner = ? AND status = ?"
                      + " ORDER BY owner, status, priority DESC, seq LIMIT 1")
              .params(owner, status.name())
              .query(
                  (rs, n) ->
                      new Candidate(
                          rs.getString("id"),
                          rs.getString("owner"),
                          rs.getInt("priority"),
                          rs.getLong("seq"),
                          rs.getInt("pod_count")))
              .optional();
      if (head.isPresent()
          && (best == null || Candidate.QUEUE_ORDER.compare(head.get(), best) < 0)) {
        best = head.get();
      }
    }
    return Optional.ofNullable(best);
  }

  @Override
  public Set<String> ownersWithClaimableJobs() {
    return new HashSet<>(
        jdbc.sql("SELECT DISTINCT owner FROM jobs WHERE status IN (" + marks(CLAIMABLE) + ")")
            .params(names(CLAIMABLE))
            .query(String.class)
            .list());
  }

  @Override
  public List<String> idsInStatus(Set<JobStatus> statuses) {
    if (statuses.isEmpty()) {
      return List.of();
    }
    String marks = statuses.stream().map(s -> "?").collect(Collectors.joining(", "));
    return jdbc.sql("SELECT id FROM jobs WHERE status IN (" + marks + ") ORDER BY seq")
        .params(statuses.stream().map(Enum::name).toList())
        .query(String.class)
        .list();
  }

  @Override
  public List<String> waitingChildren(String parentId) {
    return jdbc.sql(
            "SELECT j.id FROM job_parents p JOIN jobs j ON j.id = p.job_id"
                + " WHERE p.parent_id = ? AND j.status = ? ORDER BY j.seq")
        .params(parentId, JobStatus.AWAITING_PARENTS.name())
        .query(String.class)
        .list();
  }

  @Override
  public List<String> failWaitingDescendants(String parentId, JobStatus parentStatus, Actor actor) {
    List<String> failed = new ArrayList<>();
    // One generation at a time: the waiting children of the jobs just failed (or of the parent),
    // each with the reason naming its own parent that ended.
    Map<String, JobStatus> ended = new LinkedHashMap<>(Map.of(parentId, parentStatus));
    while (!ended.isEmpty()) {
      Map<String, String> causes = waitingChildrenOf(ended.keySet());
      Map<String, JobStatus> next = new LinkedHashMap<>();
      List<String> children = List.copyOf(causes.keySet());
      for (int from = 0; from < children.size(); from += CASCADE_CHUNK) {
        List<String> chunk =
            children.subList(from, Math.min(children.size(), from + CASCADE_CHUNK));
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
    for (int from = 0; from < all.size(); from += CASCADE_CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + CASCADE_CHUNK));
      List<Object> params = new ArrayList<>(chunk);
      params.add(JobStatus.AWAITING_PARENTS.name());
      jdbc.sql(
              "SELECT j.id, p.parent_id FROM job_parents p JOIN jobs j ON j.id = p.job_id"
                  + " WHERE p.parent_id IN ("
                  + chunk.stream().map(c -> "?").collect(Collectors.joining(", "))
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
    return write(
        published -> {
          Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
          String in = ids.stream().map(i -> "?").collect(Collectors.joining(", "));
          List<Object> params = new ArrayList<>(ids);
          params.add(JobStatus.AWAITING_PARENTS.name());
          // Under the write lock nothing else changes these rows until this transaction ends.
          Map<String, StoredEvent> rows = new LinkedHashMap<>();
          Map<String, List<String>> byReason = new LinkedHashMap<>();
          Map<String, String> reasons = new LinkedHashMap<>();
          jdbc.sql(
                  "SELECT id, owner, accessibility FROM jobs WHERE id IN ("
                      + in
                      + ") AND status = ? ORDER BY seq")
              .params(params)
              .query(
                  rs -> {
                    String id = rs.getString("id");
                    String cause = causes.get(id);
                    String reason = "parent_failed: parent " + cause + " ended " + ended.get(cause);
                    reasons.put(id, reason);
                    byReason.computeIfAbsent(reason, r -> new ArrayList<>()).add(id);
                    rows.put(
                        id,
                        new StoredEvent(
                            null,
                            rs.getString("owner"),
                            Accessibility.valueOf(rs.getString("accessibility"))));
                  });
          if (reasons.isEmpty()) {
            return List.<String>of();
          }
          for (Map.Entry<String, List<String>> group : byReason.entrySet()) {
            List<Object> update =
                new ArrayList<>(
                    List.of(
                        JobStatus.FAILED.name(),
                        truncate(group.getKey(), 1000),
                        truncate(group.getKey(), 4000),
                        utc(now),
                        utc(now)));
            update.addAll(group.getValue());
            update.add(JobStatus.AWAITING_PARENTS.name());
            jdbc.sql(
                    "UPDATE jobs SET status = ?, status_reason = ?, last_error = ?,"
                        + " finished_at = ?, updated_at = ? WHERE id IN ("
                        + group.getValue().stream().map(i -> "?").collect(Collectors.joining(", "))
                        + ") AND status = ?")
                .params(update)
                .update();
          }
          List<String> failed = List.copyOf(reasons.keySet());
          for (JobEvent event :
              insertTransitions(failed, JobStatus.AWAITING_PARENTS, JobStatus.FAILED, now, actor)) {
            StoredEvent row = rows.get(event.jobId());
            published.add(new StoredEvent(event, row.owner(), row.accessibility()));
          }
          return failed;
        });
  }

  /**
   * Transition events of many jobs in two statements whatever their number: one {@code INSERT …
   * SELECT} that takes each job's reason from its {@code last_error}, and one read of the ids the
   * database gave them (above the newest id before it: under the write lock no other event row is
   * written meanwhile). In id order.
   */
  private List<JobEvent> insertTransitions(
      List<String> jobIds, JobStatus from, JobStatus to, Instant at, Actor actor) {
    long before = lastEventId();
    String in = jobIds.stream().map(i -> "?").collect(Collectors.joining(", "));
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
                + in
                + ") ORDER BY seq")
        .params(params)
        .update();
    List<Object> read = new ArrayList<>(List.of(before));
    read.addAll(jobIds);
    List<JobEvent> events =
        jdbc.sql("SELECT * FROM job_events WHERE id > ? AND job_id IN (" + in + ") ORDER BY id")
            .params(read)
            .query((rs, n) -> readEvent(rs))
            .list();
    if (events.size() != jobIds.size()) {
      throw new IllegalStateException(
          "wrote " + jobIds.size() + " events but read back " + events.size());
    }
    return events;
  }

  @Override
  public List<JobEvent> events(String jobId) {
    return jdbc.sql("SELECT * FROM job_events WHERE job_id = ? ORDER BY id")
        .param(jobId)
        .query((rs, n) -> readEvent(rs))
        .list();
  }

  @Override
  public List<StoredEvent> eventsAfter(long afterId, int limit) {
    return jdbc.sql(
            "SELECT e.*, j.owner, j.accessibility FROM job_events e JOIN jobs j ON j.id = e.job_id"
                + " WHERE e.id > ? ORDER BY e.id LIMIT ?")
        .params(afterId, limit)
        .query(
            (rs, n) ->
                new StoredEvent(
                    readEvent(rs),
                    rs.getString("owner"),
                    Accessibility.valueOf(rs.getString("accessibility"))))
        .list();
  }

  @Override
  public Optional<IdempotencyRecord> idempotency(String owner, String key) {
    return jdbc.sql(
            "SELECT owner, idem_key, body_hash, job_id FROM idempotency_keys"
                + " WHERE owner = ? AND idem_key = ?")
        .params(owner, key)
        .query(
            (rs, n) ->
                new IdempotencyRecord(
                    rs.getString("owner"),
                    rs.getString("idem_key"),
                    rs.getString("body_hash"),
                    rs.getString("job_id")))
        .optional();
  }

  /** The writes a transition may carry, bound to the transition's transaction. */
  private final class JdbcTx implements Tx {
    @Override
    public void startAttempt(String jobId, int number, Instant startedAt, int podCount) {
      jdbc.sql("INSERT INTO job_attempts (job_id, number, started_at) VALUES (?, ?, ?)")
          .params(jobId, number, utc(startedAt))
          .update();
      jdbc.sql("DELETE FROM job_pods WHERE job_id = ?").param(jobId).update();
    }

    @Override
    public void podStarted(String jobId, int podIndex, long pid, Instant at) {
      jdbc.sql(
              "INSERT INTO job_pods (job_id, pod_index, status, pid, started_at)"
                  + " VALUES (?, ?, ?, ?, ?)")
          .params(jobId, podIndex, PodStatus.RUNNING.name(), pid, utc(at))
          .update();
    }

    @Override
    public void podFinished(
        String jobId, int podIndex, PodStatus status, Integer exitCode, Instant at) {
      jdbc.sql(
              "UPDATE job_pods SET status = ?, exit_code = ?, finished_at = ?"
                  + " WHERE job_id = ? AND pod_index = ?")
          .params(status.name(), exitCode, utc(at), jobId, podIndex)
          .update();
    }

    @Override
    public void finishAttempt(
        String jobId, int number, JobStatus outcome, Integer exitCode, String error, Instant at) {
      jdbc.sql(
              "UPDATE job_attempts SET finished_at = ?, outcome = ?, exit_code = ?, error = ?"
                  + " WHERE job_id = ? AND number = ?")
          .params(utc(at), outcome.name(), exitCode, truncate(error, 4000), jobId, number)
          .update();
    }
  }

  private <T> T write(Function<List<StoredEvent>, T> work) {
    writeLock.lock();
    try {
      List<StoredEvent> published = new ArrayList<>();
      T result = transactions.execute(status -> work.apply(published));
      if (!published.isEmpty()) {
        List<StoredEvent> events = List.copyOf(published);
        List<CommittedEventListener> targets = resolvedListeners;
        (targets != null ? targets : listeners.orderedStream().toList())
            .forEach(l -> l.committed(events));
      }
      return result;
    } finally {
      writeLock.unlock();
    }
  }

  private JobEvent insertEvent(
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
    Instant stored = at.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    String oldValue = change == null ? null : truncate(change.oldValue(), 1000);
    String newValue = change == null ? null : truncate(change.newValue(), 1000);
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
            truncate(reason, 4000),
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
        truncate(reason, 4000),
        oldValue,
        newValue);
  }

  /** Groups rows keyed by job id into each job's list, in row order. */
  private static <T> Collector<Map.Entry<String, T>, ?, Map<String, List<T>>> byJob() {
    return Collectors.groupingBy(
        Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList()));
  }

  private static Pod readPod(ResultSet rs) throws SQLException {
    return new Pod(
        rs.getInt("pod_index"),
        PodStatus.valueOf(rs.getString("status")),
        (Long) rs.getObject("pid", Long.class),
        (Integer) rs.getObject("exit_code", Integer.class),
        instant(rs, "started_at"),
        instant(rs, "finished_at"));
  }

  private static Attempt readAttempt(ResultSet rs) throws SQLException {
    String outcome = rs.getString("outcome");
    return new Attempt(
        rs.getInt("number"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        outcome == null ? null : JobStatus.valueOf(outcome),
        (Integer) rs.getObject("exit_code", Integer.class),
        rs.getString("error"));
  }

  private Job readJob(ResultSet rs) throws SQLException {
    String command = rs.getString("command");
    String progress = rs.getString("progress");
    String metrics = rs.getString("metrics");
    Integer exitCode = rs.getObject("exit_code", Integer.class);
    return new Job(
        rs.getString("id"),
        rs.getString("display_name"),
        rs.getString("description"),
        rs.getString("owner"),
        JobStatus.valueOf(rs.getString("status")),
        rs.getString("status_reason"),
        rs.getInt("priority"),
        Accessibility.valueOf(rs.getString("accessibility")),
        rs.getInt("pod_count"),
        command == null ? null : json.readValue(command, STRING_LIST),
        rs.getString("shell"),
        json.readValue(rs.getString("env"), STRING_MAP),
        json.readValue(rs.getString("tags"), STRING_MAP),
        json.readValue(rs.getString("parents"), STRING_LIST),
        rs.getObject("timeout_seconds", Integer.class),
        rs.getInt("max_attempts"),
        rs.getInt("attempt"),
        null,
        null,
        progress == null ? null : json.readValue(progress, Progress.class),
        metrics == null ? Map.of() : json.readValue(metrics, NUMBER_MAP),
        rs.getString("last_error"),
        exitCode == null
            ? null
            : new JobResult(exitCode, rs.getLong("output_files"), rs.getLong("output_bytes")),
        instant(rs, "created_at"),
        instant(rs, "updated_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"));
  }

  static Job withDetails(Job j, List<Pod> pods, List<Attempt> attempts) {
    return new Job(
        j.id(),
        j.displayName(),
        j.description(),
        j.owner(),
        j.status(),
        j.statusReason(),
        j.priority(),
        j.accessibility(),
        j.podCount(),
        j.command(),
        j.shell(),
        j.env(),
        j.tags(),
        j.parents(),
        j.timeoutSeconds(),
        j.maxAttempts(),
        j.attempt(),
        pods,
        attempts,
        j.progress(),
        j.metrics(),
        j.lastError(),
        j.result(),
        j.createdAt(),
        j.updatedAt(),
        j.startedAt(),
        j.finishedAt());
  }

  private static JobEvent readEvent(ResultSet rs) throws SQLException {
    String from = rs.getString("from_status");
    return new JobEvent(
        rs.getLong("id"),
        rs.getString("job_id"),
        EventKind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)),
        from == null ? null : JobStatus.valueOf(from),
        JobStatus.valueOf(rs.getString("to_status")),
        instant(rs, "at"),
        rs.getString("actor"),
        ActorKind.valueOf(rs.getString("actor_kind")),
        rs.getString("reason"),
        rs.getString("old_value"),
        rs.getString("new_value"));
  }

  private static String toJson(Object value) {
    return StoredText.json(value);
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** The states for which {@code rule} holds, in the enum's order. */
  private static List<JobStatus> statesWhere(Predicate<JobStatus> rule) {
    return Arrays.stream(JobStatus.values()).filter(rule).toList();
  }

  /** {@code ?, ?, ?}: one placeholder per state. */
  private static String marks(Collection<JobStatus> statuses) {
    return statuses.stream().map(s -> "?").collect(Collectors.joining(", "));
  }

  private static List<Object> names(Collection<JobStatus> statuses) {
    return statuses.stream().map(s -> (Object) s.name()).toList();
  }

  private static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static String truncate(String text, int max) {
    return StoredText.cut(text, max);
  }
}
