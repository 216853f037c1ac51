package dev.jobkit.server.jobs;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobPage;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.engine.Capacity;
import dev.jobkit.server.engine.DispatchQueue;
import dev.jobkit.server.engine.JobLifecycle;
import dev.jobkit.server.engine.JobReports;
import dev.jobkit.server.exec.JobExecutor;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.exec.LogTail.Chunk;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobQuery;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.JobStore.IdempotencyRecord;
import dev.jobkit.server.store.JobStore.QueueFullException;
import dev.jobkit.server.store.NewJob;
import dev.jobkit.server.store.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** The job operations of the API, checked against the caller's rights and the lifecycle table. */
@Service
public class JobService {

  /** Default and largest log tail, in characters. */
  public static final int MAX_TAIL_CHARS = 20_000;

  private static final int DEFAULT_PRIORITY = 5;

  /** The setting of the per-user queued-jobs limit, as problems name it. */
  static final String MAX_QUEUED_SETTING = "jobkit.limits.max-queued-jobs-per-user";

  private final JobStore store;
  private final JobLifecycle lifecycle;
  private final JobExecutor executor;
  private final DispatchQueue queue;
  private final Capacity capacity;
  private final JobReports reports;
  private final JobFiles files;
  private final SpecValidator validator;
  private final int maxBatch;
  private final int maxQueuedPerUser;
  private final JsonMapper canonical = JsonMapper.builder().build();
  private final java.util.concurrent.atomic.AtomicLong highestCursor =
      new java.util.concurrent.atomic.AtomicLong();

  JobService(
      JobStore store,
      JobLifecycle lifecycle,
      JobExecutor executor,
      DispatchQueue queue,
      Capacity capacity,
      JobReports reports,
      JobkitProperties properties) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.executor = executor;
    this.queue = queue;
    this.capacity = capacity;
    this.reports = reports;
    this.files = new JobFiles(properties.dataDir());
    this.validator = new SpecValidator(properties.executor().maxPodsPerJob(), executor.slots());
    this.maxBatch = properties.api().maxBatchSize();
    this.maxQueuedPerUser = properties.limits().maxQueuedJobsPerUser();
  }

  /** A submitted job, and whether it was an earlier submission replayed for its key. */
  public record Submitted(Job job, boolean replayed) {}

  public Submitted submit(Caller caller, JobSpec spec, String idempotencyKey) {
    if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
      throw ApiException.invalid("Idempotency-Key", "must be 1 to 255 characters");
    }
    String bodyHash = spec == null ? "" : Keys.sha256(canonical.writeValueAsBytes(spec));
    if (idempotencyKey != null) {
      Optional<Submitted> replay = replay(caller, idempotencyKey, bodyHash);
      if (replay.isPresent()) {
        return replay.get();
      }
    }
    SpecValidator.throwIfAny(validator.check(spec, "", false));
    List<FieldError> errors = new ArrayList<>();
    checkParents(caller, spec, "", Set.of(), errors);
    SpecValidator.throwIfAny(errors);
    NewJob job = newJob(caller, spec, spec.parents() == null ? List.of() : spec.parents());
    IdempotencyRecord record =
        idempotencyKey == null
            ? null
            : new IdempotencyRecord(caller.name(), idempotencyKey, bodyHash, job.id());
    try {
      store.insert(List.of(job), caller.actor(), record, maxQueuedPerUser);
    } catch (DuplicateKeyException concurrentSameKey) {
      return replay(caller, idempotencyKey, bodyHash).orElseThrow(() -> concurrentSameKey);
    } catch (QueueFullException full) {
      throw queueFull(full);
    }
    started(List.of(job));
    return new Submitted(get(caller, job.id()), false);
  }

  private Optional<Submitted> replay(Caller caller, String key, String bodyHash) {
    return store
        .idempotency(caller.name(), key)
        .map(
            existing -> {
              if (!existing.bodyHash().equals(bodyHash)) {
                throw ApiException.conflict(
                    "Idempotency-Key '"
                        + key
                        + "' was already used for job "
                        + existing.jobId()
                        + " with a different body; use a new key for a different job");
              }
              return new Submitted(get(caller, existing.jobId()), true);
            });
  }

  public List<Job> submitBatch(Caller caller, List<JobSpec> specs) {
    if (specs == null || specs.isEmpty()) {
      throw ApiException.invalid("jobs", "required: a non-empty array of job specs");
    }
    if (specs.size() > maxBatch) {
      throw ApiException.invalid(
          "jobs", "at most " + maxBatch + " jobs per batch, not " + specs.size());
    }
    List<FieldError> errors = new ArrayList<>();
    Map<String, Integer> refs = new LinkedHashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      errors.addAll(validator.check(specs.get(i), "jobs[" + i + "].", true));
      JobSpec spec = specs.get(i);
      if (spec != null && spec.ref() != null && refs.putIfAbsent(spec.ref(), i) != null) {
        errors.add(new FieldError("jobs[" + i + "].ref", "'" + spec.ref() + "' is used twice"));
      }
    }
    SpecValidator.throwIfAny(errors);
    for (int i = 0; i < specs.size(); i++) {
      checkParents(caller, specs.get(i), "jobs[" + i + "].", refs.keySet(), errors);
    }
    SpecValidator.throwIfAny(errors);
    checkAcyclic(specs, refs);
    Map<String, String> idsByRef = new HashMap<>();
    List<String> ids = new ArrayList<>();
    for (JobSpec spec : specs) {
      String id = Keys.newId("job");
      ids.add(id);
      if (spec.ref() != null) {
        idsByRef.put(spec.ref(), id);
      }
    }
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      JobSpec spec = specs.get(i);
      List<String> parents =
          spec.parents() == null
              ? List.of()
              : spec.parents().stream().map(p -> idsByRef.getOrDefault(p, p)).toList();
      jobs.add(newJob(caller, spec, parents, ids.get(i)));
    }
    try {
      store.insert(jobs, caller.actor(), null, maxQueuedPerUser);
    } catch (QueueFullException full) {
      throw queueFull(full);
    }
    started(jobs);
    // The caller owns them all, so they are visible; one read for the batch, not one per job.
    return store.findAll(ids).stream().map(this::present).toList();
  }

  /** 429 naming the limit, where the owner stands and the setting. */
  private static ApiException queueFull(QueueFullException full) {
    String states = String.join(", ", JobStore.WAITING_TO_START.stream().map(Enum::name).toList());
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("limit", full.limit());
    props.put("waiting_jobs", full.waiting());
    props.put("submitted_jobs", full.adding());
    props.put("setting", MAX_QUEUED_SETTING);
    return ApiException.rateLimited(
        full.owner()
            + " already has "
            + full.waiting()
            + " jobs waiting to start ("
            + states
            + "); "
            + full.adding()
            + " more would go over the limit of "
            + full.limit()
            + " queued jobs per user ("
            + MAX_QUEUED_SETTING
            + "). Nothing was submitted; submit again once some of them have started or ended,"
            + " or stop some",
        props);
  }

  private void checkParents(
      Caller caller, JobSpec spec, String prefix, Set<String> batchRefs, List<FieldError> errors) {
    if (spec.parents() == null || spec.parents().isEmpty()) {
      return;
    }
    for (int i = 0; i < spec.parents().size(); i++) {
      String parent = spec.parents().get(i);
      if (batchRefs.contains(parent)) {
        if (parent.equals(spec.ref())) {
          errors.add(
              new FieldError(prefix + "parents[" + i + "]", "a job cannot be its own parent"));
        }
        continue;
      }
      boolean visible = store.findSummary(parent).map(caller::canSee).orElse(false);
      if (!visible) {
        errors.add(
            new FieldError(
                prefix + "parents[" + i + "]",
                "no job " + parent + (batchRefs.isEmpty() ? "" : " and no ref of this batch")));
      }
    }
  }

  private static void checkAcyclic(List<JobSpec> specs, Map<String, Integer> refs) {
    // Kahn's algorithm over the batch's own parent links.
    int[] indegree = new int[specs.size()];
    Map<Integer, List<Integer>> children = new HashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      for (String p : specs.get(i).parents() == null ? List.<String>of() : specs.get(i).parents()) {
        Integer parent = refs.get(p);
        if (parent != null) {
          indegree[i]++;
          children.computeIfAbsent(parent, k -> new ArrayList<>()).add(i);
        }
      }
    }
    Deque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < indegree.length; i++) {
      if (indegree[i] == 0) {
        ready.add(i);
      }
    }
    int seen = 0;
    while (!ready.isEmpty()) {
      int node = ready.pop();
      seen++;
      for (int child : children.getOrDefault(node, List.of())) {
        if (--indegree[child] == 0) {
          ready.add(child);
        }
      }
    }
    if (seen < specs.size()) {
      List<String> inCycle = new ArrayList<>();
      for (int i = 0; i < indegree.length; i++) {
        if (indegree[i] > 0) {
          inCycle.add(specs.get(i).ref() != null ? specs.get(i).ref() : "jobs[" + i + "]");
        }
      }
      throw ApiException.invalid(
          "jobs", "the parents of " + String.join(", ", inCycle) + " form a cycle");
    }
  }

  private NewJob newJob(Caller caller, JobSpec spec, List<String> parents) {
    return newJob(caller, spec, parents, Keys.newId("job"));
  }

  private NewJob newJob(Caller caller, JobSpec spec, List<String> parents, String id) {
    String name =
        spec.displayName() != null
            ? spec.displayName()
            : spec.command() != null ? String.join(" ", spec.command()) : spec.shell();
    if (name.length() > 256) {
      name = dev.jobkit.server.store.StoredText.cut(name, 255) + "…";
    }
    return new NewJob(
        id,
        caller.name(),
        name,
        spec.description(),
        parents.isEmpty() ? JobStatus.QUEUED : JobStatus.AWAITING_PARENTS,
        parents.isEmpty() ? null : JobLifecycle.waitingReason(parents),
        spec.priority() == null ? DEFAULT_PRIORITY : spec.priority(),
        spec.accessibility() == null ? Accessibility.PRIVATE : spec.accessibility(),
        spec.podCount() == null ? 1 : spec.podCount(),
        spec.command(),
        spec.shell(),
        spec.env() == null ? Map.of() : spec.env(),
        spec.tags() == null ? Map.of() : spec.tags(),
        parents,
        spec.timeoutSeconds(),
        spec.maxAttempts() == null ? 1 : spec.maxAttempts());
  }

  /** After insertion: wake the dispatcher, or settle children whose parents already ended. */
  private void started(List<NewJob> jobs) {
    for (NewJob job : jobs) {
      if (job.status() == JobStatus.QUEUED) {
        queue.offer(job.owner());
      } else {
        store.findSummary(job.id()).ifPresent(lifecycle::settleWaiting);
      }
    }
  }

  public Job get(Caller caller, String id) {
    return present(visible(caller, id));
  }

  private Job visible(Caller caller, String id) {
    return store.find(id).filter(caller::canSee).orElseThrow(() -> ApiException.jobNotFound(id));
  }

  private Job modifiable(Caller caller, String id) {
    Job job = visible(caller, id);
    if (!caller.canModify(job)) {
      throw ApiException.forbidden(
          "job "
              + id
              + " belongs to "
              + job.owner()
              + "; only its owner or an admin may change it");
    }
    return job;
  }

  /** The job as users see it: live progress while it runs, and why it waits if it is queued. */
  private Job present(Job job) {
    Job live = reports.live(job);
    if (live.status() == JobStatus.QUEUED && live.statusReason() == null
        || live.status() == JobStatus.QUEUED
            && "all parents succeeded".equals(live.statusReason())) {
      return withReason(live, capacity.queuedReason(live.owner(), live.podCount()));
    }
    return live;
  }

  private static Job withReason(Job j, String reason) {
    return new Job(
        j.id(),
        j.displayName(),
        j.description(),
        j.owner(),
        j.status(),
        reason,
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
        j.pods(),
        j.attempts(),
        j.progress(),
        j.metrics(),
        j.lastError(),
        j.result(),
        j.createdAt(),
        j.updatedAt(),
        j.startedAt(),
        j.finishedAt());
  }

  public JobPage list(JobQuery query) {
    JobStore.Page page = store.list(query);
    String cursor = null;
    if (page.more()) {
      cursor = encodeCursor(page.lastSeq());
      highestCursor.accumulateAndGet(page.lastSeq(), Math::max);
    }
    return new JobPage(page.items().stream().map(this::present).toList(), cursor);
  }

  static String encodeCursor(long seq) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("c1:" + seq).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The list position a cursor stands for; empty if it is not a cursor this service issued: not in
   * the form it writes ({@code c1:+5} or a full-width digit are not), or past every position it can
   * have issued (above the newest job, and above every cursor handed out since the start, which
   * still stand when the jobs after them were deleted).
   */
  public java.util.OptionalLong cursorPosition(String cursor) {
    java.util.OptionalLong seq = decodeCursor(cursor);
    if (seq.isPresent()
        && seq.getAsLong() > highestCursor.get()
        && seq.getAsLong() > store.highestSeq()) {
      return java.util.OptionalLong.empty();
    }
    return seq;
  }

  /** The sequence number of a cursor in the canonical form {@link #encodeCursor} writes. */
  static java.util.OptionalLong decodeCursor(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith("c1:")) {
        long seq = Long.parseLong(text.substring(3));
        // Long.parseLong also reads "+5", "05" and digits of other scripts: only the text this
        // service writes is a cursor.
        if (seq > 0 && text.equals("c1:" + seq)) {
          return java.util.OptionalLong.of(seq);
        }
      }
    } catch (IllegalArgumentException malformed) {
      // not base64, or not a number after the prefix: not ours
    }
    return java.util.OptionalLong.empty();
  }

  public Job update(Caller caller, String id, JobUpdate update) {
    Job job = modifiable(caller, id);
    List<FieldError> errors = new ArrayList<>();
    validator.checkPriority(update.priority(), "priority", errors);
    validator.checkPodCount(update.podCount(), "pod_count", errors);
    if (update.displayName() != null
        && (update.displayName().isBlank() || update.displayName().length() > 256)) {
      errors.add(new FieldError("display_name", "must be 1 to 256 characters"));
    } else {
      SpecValidator.checkText("display_name", update.displayName(), errors);
    }
    if (update.description() != null && update.description().length() > 4000) {
      errors.add(new FieldError("description", "must be at most 4000 characters"));
    } else {
      SpecValidator.checkText("description", update.description(), errors);
    }
    SpecValidator.throwIfAny(errors);
    if (!Operation.UPDATE.allowedIn(job.status())) {
      throw ApiException.invalidState(job, Operation.UPDATE);
    }
    if (!store.update(id, update, caller.actor())) {
      throw ApiException.jobNotFound(id);
    }
    if (update.priority() != null && job.status().isClaimable()) {
      queue.offer(job.owner());
    }
    return get(caller, id);
  }

  /**
   * Stops a job: at once if it has not been launched, else through {@code CANCEL_REQUESTED} while
   * its process tree is terminated. A stop that lands is final.
   */
  public Job stop(Caller caller, String id) {
    return stop(caller, id, null, false);
  }

  /**
   * Stops a job only while it is in {@code expected} (when not null): the status the caller's
   * pre-check saw. The change is a compare-and-swap from that status, so a job that moved on in the
   * meantime is refused with 409 and left as it is.
   */
  public Job stop(Caller caller, String id, JobStatus expected) {
    return stop(caller, id, expected, false);
  }

  Job stop(Caller caller, String id, JobStatus expected, boolean force) {
    Actor actor = caller.actor();
    for (int round = 0; round < 20; round++) {
      Job job = modifiable(caller, id);
      JobStatus status = job.status();
      if (!Operation.STOP.allowedIn(status)) {
        throw ApiException.invalidState(job, Operation.STOP);
      }
      if (expected != null && status != expected) {
        throw ApiException.notInExpectedStatus(job, expected, Operation.STOP);
      }
      String who = "stopped by " + caller.name();
      if (status == JobStatus.CANCEL_REQUESTED) {
        if (force) {
          executor.terminate(id, true);
        }
        return get(caller, id);
      }
      if (!status.isLaunched()) {
        if (lifecycle
            .move(
                Transition.of(id, status, JobStatus.CANCELED, actor, who)
                    .set("finished_at", Instant.now()))
            .isPresent()) {
          return get(caller, id);
        }
        continue; // it moved meanwhile: decide again from its new state
      }
      if (lifecycle
          .move(Transition.of(id, status, JobStatus.CANCEL_REQUESTED, actor, who))
          .isEmpty()) {
        continue;
      }
      if (!executor.terminate(id, force)) {
        // Marked running, but no process of it is alive (the service restarted): nothing to wait
        // for.
        lifecycle.move(
            Transition.of(
                    id,
                    JobStatus.CANCEL_REQUESTED,
                    JobStatus.CANCELED,
                    actor,
                    who + "; its processes no longer existed")
                .set("finished_at", Instant.now()));
      }
      return get(caller, id);
    }
    throw ApiException.conflict("job " + id + " kept changing state; try the stop again");
  }

  /** Deletes an ended job with its events and, with {@code purgeArtifacts}, its files. */
  public void delete(Caller caller, String id, boolean purgeArtifacts) {
    delete(caller, id, purgeArtifacts, null);
  }

  /**
   * Deletes an ended job only while it is in {@code expected} (when not null), the status the
   * caller's pre-check saw. An ended job never changes state again, so the check before the delete
   * holds until it.
   */
  public void delete(Caller caller, String id, boolean purgeArtifacts, JobStatus expected) {
    Job job = modifiable(caller, id);
    if (!Operation.DELETE.allowedIn(job.status())) {
      throw ApiException.invalidState(job, Operation.DELETE);
    }
    if (expected != null && job.status() != expected) {
      throw ApiException.notInExpectedStatus(job, expected, Operation.DELETE);
    }
    if (!store.deleteTerminal(id)) {
      Job now = modifiable(caller, id);
      throw ApiException.invalidState(now, Operation.DELETE);
    }
    if (purgeArtifacts) {
      files.purge(id);
    }
  }

  public LogTail logTail(Caller caller, String id, int pod, int tailChars) {
    Job job = visible(caller, id);
    checkPod(job, pod);
    if (tailChars < 1 || tailChars > MAX_TAIL_CHARS) {
      throw ApiException.invalid(
          "tail_chars", "must be from 1 to " + MAX_TAIL_CHARS + ", not " + tailChars);
    }
    Chunk chunk = dev.jobkit.server.exec.LogTail.read(files.log(id, pod), tailChars);
    return new LogTail(id, pod, chunk.text(), chunk.sizeBytes(), chunk.truncated());
  }

  /** Checks the caller may read the job's log of {@code pod}; the job as it is now. */
  public Job logReadable(Caller caller, String id, int pod) {
    Job job = visible(caller, id);
    checkPod(job, pod);
    return job;
  }

  private static void checkPod(Job job, int pod) {
    if (pod < 0 || pod >= job.podCount()) {
      throw ApiException.invalid(
          "pod", "job " + job.id() + " has pods 0 to " + (job.podCount() - 1) + ", not " + pod);
    }
  }

  public JobFiles files() {
    return files;
  }

  public List<JobEvent> events(Caller caller, String id) {
    visible(caller, id);
    return store.events(id);
  }

  /** Whether the caller may see events of a job with this owner and accessibility. */
  public static boolean canSee(Caller caller, String owner, Accessibility accessibility) {
    return caller.isAdmin() || caller.name().equals(owner) || accessibility == Accessibility.PUBLIC;
  }

  /** The current status of a job, or empty once it is deleted. */
  public Optional<JobStatus> status(String id) {
    return Optional.ofNullable(store.statuses(List.of(id)).get(id));
  }
}
