package dev.jobkit.server.jobs;

import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSummary;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.engine.JobLifecycle;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.store.FlushOperationStore;
import dev.jobkit.server.store.JobFilter;
import dev.jobkit.server.store.JobStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Flushes: the dry run (a read, answered at once) and the flush itself, which runs in the
 * background as a {@link FlushOperation} its caller follows. The request that starts one lists the
 * jobs it hits, records the operation and returns; a worker thread then does the work ({@link
 * FlushRun}), writing its counts as it goes.
 *
 * <p>A dry run answers a {@code snapshot}: the position of the newest job when it listed. A flush
 * that carries it hits only jobs at or before that position, so a flush confirmed for the jobs of a
 * dry run never reaches a job submitted after it (and, since an ended job never becomes active
 * again, hits a subset of that dry run's jobs).
 *
 * <p>Operations are rows ({@link FlushOperationStore}): one left {@code running} by a service that
 * stopped or crashed is marked {@code interrupted} when the next one starts. Ended ones are removed
 * once they are older than {@code jobkit.flush.keep-finished}.
 */
@Service
public class Flusher implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Flusher.class);
  private static final String SNAPSHOT_PREFIX = "s1:";
  private static final String BOUND_SNAPSHOT_PREFIX = "s2:";
  private static final java.util.regex.Pattern BOUND_SNAPSHOT =
      java.util.regex.Pattern.compile("s2:([0-9]{1,19}):([0-9a-f]{24})");

  private final JobControl control;
  private final JobFiles files;
  private final JobStore store;
  private final FlushOperationStore operations;
  private final JobLifecycle lifecycle;
  private final FlushProperties settings;
  private final Duration gracePeriod;
  private final Map<String, CompletableFuture<FlushOperation>> endings = new ConcurrentHashMap<>();
  private final Object starting = new Object();
  private ScheduledThreadPoolExecutor workers;
  private volatile boolean running;

  Flusher(
      JobControl control,
      JobFiles files,
      JobStore store,
      FlushOperationStore operations,
      JobLifecycle lifecycle,
      FlushProperties settings,
      JobkitProperties properties) {
    this.control = control;
    this.files = files;
    this.store = store;
    this.operations = operations;
    this.lifecycle = lifecycle;
    this.settings = settings;
    this.gracePeriod = properties.executor().stopGracePeriod();
  }

  /**
   * The jobs a flush hits: those {@code filter} selects (its states already narrowed to the
   * scope's; every state when empty), of the caller's own when they are not an admin.
   */
  private record Target(String scope, JobFilter filter, boolean canGainJobs) {}

  /**
   * Whether a job can come to be hit after a dry run without being submitted after it: a job can
   * move into a state the request names (queued to running), or be renamed to a name it looks for.
   * Such a flush is bound to exactly the jobs of its dry run; the others can only lose jobs
   * (positions grow, an ended job never becomes active again, owners and tags never change).
   */
  private static boolean canGainJobs(JobFilter requested) {
    return !requested.statuses().isEmpty() || requested.nameContains() != null;
  }

  private static Target target(Caller caller, String scope, JobFilter filter) {
    Set<JobStatus> statuses;
    if ("active".equals(scope)) {
      Set<JobStatus> ended = EnumSet.noneOf(JobStatus.class);
      statuses = EnumSet.noneOf(JobStatus.class);
      for (JobStatus s : filter.statuses()) {
        (s.isActive() ? statuses : ended).add(s);
      }
      if (!ended.isEmpty()) {
        throw ApiException.invalid(
            "status",
            "scope=active flushes only jobs that have not ended, and "
                + String.join(", ", ended.stream().sorted().map(Enum::name).toList())
                + (ended.size() == 1 ? " is an ended state" : " are ended states")
                + "; flush with scope=all to remove ended jobs");
      }
      if (filter.statuses().isEmpty()) {
        for (JobStatus s : JobStatus.values()) {
          if (s.isActive()) {
            statuses.add(s);
          }
        }
      }
    } else if ("all".equals(scope)) {
      statuses = filter.statuses();
    } else {
      throw ApiException.invalid("scope", "must be 'active' or 'all', not '" + scope + "'");
    }
    String owner = filter.owner();
    if (!caller.isAdmin() && owner != null && !owner.equals(caller.name())) {
      throw ApiException.forbidden("only an admin may flush another user's jobs");
    }
    JobFilter narrowed =
        filter.withStatuses(statuses).withOwner(caller.isAdmin() ? owner : caller.name());
    return new Target(scope, narrowed, canGainJobs(filter));
  }

  /**
   * What a flush would hit, changing nothing, with the {@code snapshot} a flush of exactly these
   * jobs carries. Given a {@code snapshot} (of an earlier dry run), only the jobs a flush bound to
   * it would hit now, and that same snapshot.
   *
   * <p>For a flush whose filter could gain jobs after the dry run ({@link #canGainJobs}: a {@code
   * status} or {@code name} filter), the snapshot also binds the set of jobs listed: a flush that
   * carries it goes ahead only if its filters still select exactly those jobs.
   */
  public FlushResult dryRun(Caller caller, String scope, JobFilter filter, String snapshot) {
    Target target = target(caller, scope, filter);
    // Read before listing: a job submitted meanwhile is after the bound, and so is not listed.
    long bound = snapshot == null ? store.highestSeq() : decodeSnapshot(snapshot).bound();
    List<Job> hit = hit(caller, target, bound);
    String answered = snapshot;
    if (answered == null) {
      answered =
          target.canGainJobs()
              ? encodeSnapshot(bound, digest(hit))
              : PositionTokens.encode(SNAPSHOT_PREFIX, bound);
    }
    return new FlushResult(
        scope,
        true,
        hit.size(),
        0,
        0,
        hit.stream().map(Job::id).toList(),
        List.of(),
        preview(hit),
        answered);
  }

  /** A flush's operation, and whether it was an earlier one replayed for its Idempotency-Key. */
  public record Started(FlushOperation operation, boolean replayed) {}

  /**
   * Starts a flush in the background and returns its operation, {@code running}. A caller with
   * {@code jobkit.flush.max-running-per-user} flushes running gets 409 naming one of them. With an
   * {@code idempotencyKey} the caller used before for the same request, nothing starts: the
   * operation that key started is returned as it is now (409 if it was another request).
   */
  public Started start(
      Caller caller,
      String scope,
      JobFilter filter,
      boolean purgeArtifacts,
      boolean force,
      String snapshot,
      String idempotencyKey) {
    JobSubmitter.checkIdempotencyKey(idempotencyKey);
    Target target = target(caller, scope, filter);
    Snapshot bound = snapshot == null ? null : decodeSnapshot(snapshot);
    String requestHash =
        idempotencyKey == null
            ? null
            : Keys.sha256(
                String.join(
                        "\n",
                        scope,
                        target.filter().canonical(),
                        String.valueOf(purgeArtifacts),
                        String.valueOf(force),
                        String.valueOf(snapshot))
                    .getBytes(StandardCharsets.UTF_8));
    synchronized (starting) {
      if (idempotencyKey != null) {
        Optional<FlushOperation> replay = replay(caller, idempotencyKey, requestHash);
        if (replay.isPresent()) {
          return new Started(replay.get(), true);
        }
      }
      if (!running) {
        throw ApiException.conflict("the service is stopping; flush again once it is back");
      }
      List<String> busy = operations.running(caller.name());
      if (busy.size() >= settings.maxRunningPerUser()) {
        String id = busy.get(0);
        throw new ApiException(
            org.springframework.http.HttpStatus.CONFLICT,
            "conflict",
            "your flush "
                + id
                + " is still running (at most "
                + settings.maxRunningPerUser()
                + " at once); follow it at /api/v1/operations/"
                + id
                + " and flush again once it has ended",
            Map.of("operation_id", id));
      }
      List<Job> hit = hit(caller, target, bound == null ? null : bound.bound());
      if (bound != null && bound.jobs() != null && !bound.jobs().equals(digest(hit))) {
        throw ApiException.conflict(
            "the jobs this flush's filters select are not the ones its dry run listed (a job"
                + " changed state or was renamed since); nothing was flushed: dry-run again and"
                + " confirm the jobs it lists now");
      }
      Instant now = Instant.now();
      FlushOperation operation =
          new FlushOperation(
              Keys.newId("flush"),
              FlushOperation.Status.RUNNING,
              null,
              caller.name(),
              scope,
              target.filter().owner(),
              purgeArtifacts,
              force,
              snapshot,
              hit.size(),
              0,
              0,
              0,
              0,
              0,
              List.of(),
              preview(hit),
              now,
              now,
              null);
      try {
        operations.insert(operation, idempotencyKey, requestHash);
      } catch (DuplicateKeyException sameKeyOnAnotherService) {
        return replay(caller, idempotencyKey, requestHash)
            .map(earlier -> new Started(earlier, true))
            .orElseThrow(() -> sameKeyOnAnotherService);
      }
      endings.put(operation.id(), new CompletableFuture<>());
      FlushRun run =
          new FlushRun(
              control,
              files,
              store,
              operations,
              lifecycle,
              settings.batchSize(),
              gracePeriod,
              () -> running,
              caller,
              operation,
              hit);
      workers.execute(
          () -> {
            try {
              run.run();
            } finally {
              CompletableFuture<FlushOperation> ending = endings.remove(operation.id());
              if (ending != null) {
                ending.complete(operations.find(operation.id()).orElse(null));
              }
            }
          });
      return new Started(operation, false);
    }
  }

  /** The operation {@code key} started, if the caller used it before for the same request. */
  private Optional<FlushOperation> replay(Caller caller, String key, String requestHash) {
    return operations
        .findByKey(caller.name(), key)
        .map(
            earlier -> {
              if (!earlier.requestHash().equals(requestHash)) {
                throw new ApiException(
                    org.springframework.http.HttpStatus.CONFLICT,
                    "conflict",
                    "Idempotency-Key '"
                        + key
                        + "' was already used for flush "
                        + earlier.operation().id()
                        + " with other parameters; use a new key for a different flush",
                    Map.of("operation_id", earlier.operation().id()));
              }
              return earlier.operation();
            });
  }

  /**
   * The operation as it is now.
   *
   * @throws ApiException 404 unless it exists and the caller started it or is an admin
   */
  public FlushOperation get(Caller caller, String id) {
    return operations
        .find(id)
        .filter(op -> caller.isAdmin() || op.requestedBy().equals(caller.name()))
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "no operation "
                        + id
                        + " (it does not exist, ended more than "
                        + settings.keepFinished().toHours()
                        + " h ago, or you may not see it)"));
  }

  /** Completes when the operation ends; empty when it is not running in this service. */
  public Optional<CompletableFuture<FlushOperation>> ending(String id) {
    return Optional.ofNullable(endings.get(id));
  }

  /** The longest a follower may wait in one request. */
  public Duration maxWait() {
    return settings.maxWait();
  }

  private List<Job> hit(Caller caller, Target target, Long bound) {
    // A bound above every position bounds nothing; kept below overflow for the strict "<".
    Long beforeSeq = bound == null ? null : Math.min(bound, Long.MAX_VALUE - 1) + 1;
    List<Job> hit =
        store
            .list(
                target
                    .filter()
                    .query(caller.name(), caller.isAdmin(), beforeSeq, Integer.MAX_VALUE))
            .items();
    return caller.isAdmin() ? hit : hit.stream().filter(caller::canModify).toList();
  }

  private static List<JobSummary> preview(List<Job> hit) {
    return hit.stream()
        .limit(FlushResult.PREVIEW_SIZE)
        .map(j -> new JobSummary(j.id(), j.displayName(), j.owner(), j.status()))
        .toList();
  }

  /**
   * What a snapshot binds: a flush hits no job after position {@code bound}; when {@code jobs} is
   * not null (the digest of the dry run's job ids), it goes ahead only if it would hit exactly
   * those.
   */
  record Snapshot(long bound, String jobs) {}

  /** {@code s2:}: a position and the digest of the jobs listed, base64url like {@code s1:}. */
  private static String encodeSnapshot(long bound, String jobs) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            (BOUND_SNAPSHOT_PREFIX + bound + ":" + jobs).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The first 96 bits (24 hex digits) of the SHA-256 of the jobs' ids, sorted and one a line: the
   * same set gives the same digest, another one (by chance) once in 2^96, and the snapshot stays
   * within the 64 characters an operation keeps of it. It tells a changed set from the same one; it
   * guards nothing against the caller, who may leave the snapshot out altogether.
   */
  static String digest(List<Job> jobs) {
    return Keys.sha256(
            String.join("\n", jobs.stream().map(Job::id).sorted().toList())
                .getBytes(StandardCharsets.UTF_8))
        .substring(0, 24);
  }

  /** What a snapshot binds, if it is one a dry run of this service answered. */
  static Snapshot decodeSnapshot(String snapshot) {
    java.util.OptionalLong position = PositionTokens.decode(SNAPSHOT_PREFIX, snapshot);
    if (position.isPresent()) {
      return new Snapshot(position.getAsLong(), null);
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(snapshot), StandardCharsets.UTF_8);
      java.util.regex.Matcher m = BOUND_SNAPSHOT.matcher(text);
      if (m.matches()) {
        long bound = Long.parseLong(m.group(1));
        if (text.equals(BOUND_SNAPSHOT_PREFIX + bound + ":" + m.group(2))) {
          return new Snapshot(bound, m.group(2));
        }
      }
    } catch (IllegalArgumentException malformed) {
      // not base64, or a number out of range: not ours
    }
    throw ApiException.invalid(
        "snapshot", "is not a snapshot this service issued; pass the snapshot of a dry run");
  }

  private void removeOld() {
    try {
      int removed = operations.deleteFinishedBefore(Instant.now().minus(settings.keepFinished()));
      if (removed > 0) {
        log.debug("removed {} flush operation(s) that ended over {} ago", removed, settings);
      }
    } catch (RuntimeException e) {
      log.warn("could not remove old flush operations", e);
    }
  }

  @Override
  public void start() {
    int interrupted =
        operations.finishAllRunning(
            FlushOperation.Status.INTERRUPTED,
            "the service restarted before the flush ended; the jobs it had stopped ended on their"
                + " own, the ones it had not reached were left as they were");
    if (interrupted > 0) {
      log.info("marked {} flush operation(s) of the previous run interrupted", interrupted);
    }
    workers =
        new ScheduledThreadPoolExecutor(settings.threads(), DaemonThreads.named("jobkit-flush"));
    removeOld();
    long every = Math.max(60, Math.min(3600, settings.keepFinished().toSeconds() / 24));
    workers.scheduleWithFixedDelay(this::removeOld, every, every, TimeUnit.SECONDS);
    running = true;
  }

  @Override
  public void stop() {
    synchronized (starting) {
      running = false;
    }
    workers.shutdown();
    try {
      // The work stops at its next batch (the flag above); no interrupt, which H2 takes badly.
      if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("flush workers did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    operations.finishAllRunning(
        FlushOperation.Status.INTERRUPTED,
        "the service stopped before the flush ended; the jobs it had stopped end on their own,"
            + " the ones it had not reached are left as they were");
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return 1; // starts after the engine's recovery, stops before the engine
  }
}
