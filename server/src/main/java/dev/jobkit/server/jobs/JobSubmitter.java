package dev.jobkit.server.jobs;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.apps.AppDefaults;
import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.engine.DispatchQueue;
import dev.jobkit.server.engine.JobLifecycle;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.JobStore.IdempotencyRecord;
import dev.jobkit.server.store.JobStore.QueueFullException;
import dev.jobkit.server.store.NewJob;
import dev.jobkit.server.store.StoredText;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
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

/**
 * Submission: one job (with an {@code Idempotency-Key}, a repeat answers the job the key made) or a
 * batch whose jobs may name each other as parents by {@code ref}. Specs and parents are checked
 * before anything is stored (a batch's parent links must not form a cycle), the owner's limit of
 * queued jobs holds, and the jobs are stored at once, all or none.
 */
@Service
public class JobSubmitter {

  private static final int DEFAULT_PRIORITY = 5;

  /** The setting of the per-user queued-jobs limit, as problems name it. */
  static final String MAX_QUEUED_SETTING = "jobkit.limits.max-queued-jobs-per-user";

  private final JobStore store;
  private final JobLifecycle lifecycle;
  private final DispatchQueue queue;
  private final JobReader reader;
  private final SpecValidator validator;
  private final AppRuns appRuns;
  private final int maxBatch;
  private final int maxQueuedPerUser;
  private final JsonMapper canonical = JsonMapper.builder().build();

  JobSubmitter(
      JobStore store,
      JobLifecycle lifecycle,
      DispatchQueue queue,
      JobReader reader,
      SpecValidator validator,
      AppRuns appRuns,
      JobkitProperties properties) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.queue = queue;
    this.reader = reader;
    this.validator = validator;
    this.appRuns = appRuns;
    this.maxBatch = properties.api().maxBatchSize();
    this.maxQueuedPerUser = properties.limits().maxQueuedJobsPerUser();
  }

  /** A submitted job, and whether it was an earlier submission replayed for its key. */
  public record Submitted(Job job, boolean replayed) {}

  public Submitted submit(Caller caller, JobSpec spec, String idempotencyKey) {
    checkIdempotencyKey(idempotencyKey);
    // Only a keyed submit is compared with an earlier one.
    String bodyHash =
        idempotencyKey == null || spec == null
            ? ""
            : Keys.sha256(canonical.writeValueAsBytes(spec));
    if (idempotencyKey != null) {
      Optional<Submitted> replay = replay(caller, idempotencyKey, bodyHash);
      if (replay.isPresent()) {
        return replay.get();
      }
    }
    SpecValidator.throwIfAny(validator.check(spec, "", false));
    List<FieldError> errors = new ArrayList<>();
    AppRuns.Prepared run = prepare(caller, spec, "", errors);
    checkParents(caller, spec, "", Set.of(), errors);
    SpecValidator.throwIfAny(errors);
    NewJob job =
        newJob(
            caller,
            spec,
            run,
            spec.parents() == null ? List.of() : spec.parents(),
            Keys.newId("job"));
    IdempotencyRecord record =
        idempotencyKey == null
            ? null
            : new IdempotencyRecord(caller.name(), idempotencyKey, bodyHash, job.id());
    List<JobEvent> events;
    try {
      events = store.insert(List.of(job), caller.actor(), record, maxQueuedPerUser);
    } catch (DuplicateKeyException concurrentSameKey) {
      return replay(caller, idempotencyKey, bodyHash).orElseThrow(() -> concurrentSameKey);
    } catch (QueueFullException full) {
      throw queueFull(full);
    }
    started(List.of(job));
    List<Job> submitted = asSubmitted(List.of(job), events);
    // Empty only if the job is gone already (deleted right after): 404, as a read would say.
    return new Submitted(
        submitted.isEmpty() ? reader.get(caller, job.id()) : submitted.get(0), false);
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
              return new Submitted(reader.get(caller, existing.jobId()), true);
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
    List<AppRuns.Prepared> runs = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      runs.add(prepare(caller, specs.get(i), "jobs[" + i + "].", errors));
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
      jobs.add(newJob(caller, spec, runs.get(i), parents, ids.get(i)));
    }
    List<JobEvent> events;
    try {
      events = store.insert(jobs, caller.actor(), null, maxQueuedPerUser);
    } catch (QueueFullException full) {
      throw queueFull(full);
    }
    started(jobs);
    return asSubmitted(jobs, events);
  }

  /**
   * The jobs as their submission answers them, in their order (their owner submitted them, so they
   * are visible). A queued job is as its insert stored it ({@link NewJob#asStored}, created at its
   * first event's time), not read back: the answer is the job as created (a read right after may
   * already show it claimed or running). The jobs that wait for parents are read, in one query:
   * their parents may have released or failed them already.
   */
  private List<Job> asSubmitted(List<NewJob> jobs, List<JobEvent> events) {
    Map<String, Instant> createdAt = new HashMap<>();
    for (JobEvent event : events) {
      createdAt.putIfAbsent(event.jobId(), event.at());
    }
    Map<String, Job> read = new HashMap<>();
    List<String> waiting =
        jobs.stream().filter(j -> j.status() != JobStatus.QUEUED).map(NewJob::id).toList();
    store.findAll(waiting).forEach(j -> read.put(j.id(), j));
    List<Job> submitted = new ArrayList<>(jobs.size());
    for (NewJob job : jobs) {
      Job now =
          job.status() == JobStatus.QUEUED
              ? job.asStored(createdAt.get(job.id()))
              : read.get(job.id());
      if (now != null) {
        submitted.add(reader.present(now));
      }
    }
    return submitted;
  }

  /** 429 naming the limit, where the owner stands and the setting. */
  /**
   * Refuses an {@code Idempotency-Key} header that is blank or longer than 255 characters (of a
   * submit or a flush); none at all is fine.
   */
  static void checkIdempotencyKey(String key) {
    if (key != null && (key.isBlank() || key.length() > 255)) {
      throw ApiException.invalid("Idempotency-Key", "must be 1 to 255 characters");
    }
  }

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

  /** The run of an app's spec, or null for a command or shell (or when it is wrong). */
  private AppRuns.Prepared prepare(
      Caller caller, JobSpec spec, String prefix, List<FieldError> errors) {
    return spec.app() == null ? null : appRuns.prepare(caller, spec, prefix, errors).orElse(null);
  }

  /**
   * The job to store; {@code run} (an app's, or null) gives the command, shell and environment, and
   * the defaults the spec leaves open.
   */
  private NewJob newJob(
      Caller caller, JobSpec spec, AppRuns.Prepared run, List<String> parents, String id) {
    AppDefaults defaults = run == null ? AppDefaults.none() : run.app().defaults();
    List<String> command = run == null ? spec.command() : run.command();
    String shell = run == null ? spec.shell() : run.shell();
    String name =
        spec.displayName() != null
            ? spec.displayName()
            : run != null
                ? run.app().name() + " v" + run.app().version()
                : command != null ? String.join(" ", command) : shell;
    if (name.length() > 256) {
      name = StoredText.cut(name, 255) + "…";
    }
    return new NewJob(
        id,
        caller.name(),
        name,
        spec.description(),
        parents.isEmpty() ? JobStatus.QUEUED : JobStatus.AWAITING_PARENTS,
        parents.isEmpty() ? null : JobLifecycle.waitingReason(parents),
        first(spec.priority(), defaults.priority(), DEFAULT_PRIORITY),
        spec.accessibility() == null ? Accessibility.PRIVATE : spec.accessibility(),
        first(spec.podCount(), defaults.podCount(), 1),
        command,
        shell,
        run == null ? null : run.app().name(),
        run == null ? null : run.app().version(),
        run == null ? Map.of() : run.parameters(),
        run == null ? (spec.env() == null ? Map.of() : spec.env()) : run.env(),
        spec.tags() == null ? Map.of() : spec.tags(),
        parents,
        spec.timeoutSeconds() != null ? spec.timeoutSeconds() : defaults.timeoutSeconds(),
        first(spec.maxAttempts(), defaults.maxAttempts(), 1),
        // External workers run a job's command only, not its app's steps.
        run != null && !AppSteps.of(run.app(), run.parameters()).equals(AppSteps.NONE));
  }

  /** The spec's value, else the app's default, else the service's. */
  private static int first(Integer spec, Integer app, int service) {
    return spec != null ? spec : app != null ? app : service;
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
}
