package dev.jobkit.server.jobs;

import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.SkippedJob;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.engine.JobLifecycle;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.store.DataStore;
import dev.jobkit.server.store.FlushOperationStore;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of one flush operation, on a worker thread of {@link Flusher}: it cancels the jobs that
 * have not started a batch per transaction (the rare one that moved meanwhile is stopped on its
 * own, as a stop request would), stops the running ones one by one, removes every ended one a batch
 * per transaction, and waits for the ones still stopping (the grace period and 10 s; 10 s with
 * force), polling on its own thread. Its counts are written after each batch; how it ended is
 * written once: {@code succeeded}, {@code failed} with the error, or {@code interrupted} when the
 * service stops under it (it checks between batches; it is never interrupted, which H2's file
 * channels take badly).
 */
final class FlushRun {

  private static final Logger log = LoggerFactory.getLogger(FlushRun.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final JobControl control;
  private final JobFiles files;
  private final JobStore store;
  private final FlushOperationStore operations;
  private final JobLifecycle lifecycle;
  private final int batchSize;
  private final Duration gracePeriod;
  private final BooleanSupplier serviceRunning;
  private final Caller caller;
  private final FlushOperation operation;
  private final List<Job> hit;
  private int stopped;
  private int deleted;
  private DataStore.Removed removedRecords = DataStore.Removed.NONE;

  FlushRun(
      JobControl control,
      JobFiles files,
      JobStore store,
      FlushOperationStore operations,
      JobLifecycle lifecycle,
      int batchSize,
      Duration gracePeriod,
      BooleanSupplier serviceRunning,
      Caller caller,
      FlushOperation operation,
      List<Job> hit) {
    this.control = control;
    this.files = files;
    this.store = store;
    this.operations = operations;
    this.lifecycle = lifecycle;
    this.batchSize = batchSize;
    this.gracePeriod = gracePeriod;
    this.serviceRunning = serviceRunning;
    this.caller = caller;
    this.operation = operation;
    this.hit = hit;
  }

  /** Thrown inside the work when the service stops under it. */
  private static final class Stopping extends RuntimeException {
    Stopping() {
      super("the service stopped", null, false, false);
    }
  }

  /** Does the work and records how it ended. */
  void run() {
    try {
      List<SkippedJob> skipped = work();
      operations.finish(
          operation.id(), FlushOperation.Status.SUCCEEDED, null, counts(), skipped.size(), skipped);
    } catch (Stopping stopping) {
      operations.finish(
          operation.id(),
          FlushOperation.Status.INTERRUPTED,
          "the service stopped before the flush ended; the jobs it had stopped end on their own,"
              + " the ones it had not reached are left as they were",
          counts(),
          0,
          List.of());
    } catch (RuntimeException | Error failure) {
      log.warn("flush {} broke off", operation.id(), failure);
      operations.finish(
          operation.id(),
          FlushOperation.Status.FAILED,
          "the flush broke off: " + failure.getMessage(),
          counts(),
          0,
          List.of());
    }
  }

  /** Stops and removes the jobs; the ones it could not remove. */
  private List<SkippedJob> work() {
    String who = "stopped by " + caller.name() + " (" + operation.id() + ")";
    // The jobs not removed yet; ones deleted by someone else drop out on the way.
    Set<String> left = new LinkedHashSet<>();
    hit.forEach(j -> left.add(j.id()));
    List<Job> unlaunched =
        hit.stream().filter(j -> j.status().isActive() && !j.status().isLaunched()).toList();
    for (List<Job> batch : batches(unlaunched)) {
      checkRunning();
      Instant now = Instant.now();
      List<Transition> cancels =
          batch.stream()
              .map(
                  j ->
                      Transition.of(j.id(), j.status(), JobStatus.CANCELED, caller.actor(), who)
                          .finishedAt(now))
              .toList();
      Set<String> canceled = new HashSet<>();
      lifecycle.moveAll(cancels).forEach(t -> canceled.add(t.jobId()));
      stopped += canceled.size();
      for (Job job : batch) {
        if (!canceled.contains(job.id()) && stopOne(job.id())) {
          stopped++;
        }
      }
      removeEnded(batch.stream().map(Job::id).toList(), left);
    }
    for (Job job : hit) {
      if (job.status().isLaunched()) {
        checkRunning();
        if (stopOne(job.id())) {
          stopped++;
        }
      }
    }
    // Every job that has ended now goes; the ones still stopping are waited for.
    for (List<String> batch : batches(List.copyOf(left))) {
      checkRunning();
      removeEnded(batch, left);
    }
    long deadline =
        System.nanoTime()
            + (operation.force() ? Duration.ofSeconds(10) : gracePeriod.plusSeconds(10)).toNanos();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      pause();
      for (List<String> batch : batches(List.copyOf(left))) {
        removeEnded(batch, left);
      }
    }
    List<SkippedJob> skipped = new ArrayList<>();
    for (List<String> batch : batches(List.copyOf(left))) {
      store
          .statuses(batch)
          .forEach(
              (id, status) ->
                  skipped.add(
                      new SkippedJob(
                          id,
                          status,
                          "still " + status + " when the flush stopped waiting for it to end")));
    }
    return skipped;
  }

  /** Stops one job as a stop request would; false if it ended or vanished on its own first. */
  private boolean stopOne(String id) {
    try {
      control.stop(caller, id, null, operation.force());
      return true;
    } catch (ApiException endedMeanwhile) {
      return false;
    }
  }

  /**
   * Deletes those of {@code ids} that have ended (with their files, if asked), in one transaction,
   * and drops them from {@code left} with the ones that no longer exist; writes the counts.
   */
  private void removeEnded(List<String> ids, Set<String> left) {
    Map<String, JobStatus> now = store.statuses(ids);
    List<String> ended = new ArrayList<>();
    for (String id : ids) {
      JobStatus status = now.get(id);
      if (status == null) {
        left.remove(id); // deleted by someone else meanwhile
      } else if (status.isTerminal()) {
        ended.add(id);
      }
    }
    List<String> removed = store.deleteAllTerminal(ended);
    removedRecords = removedRecords.plus(control.removeOutputs(removed));
    for (String id : removed) {
      left.remove(id);
      if (operation.purgeArtifacts()) {
        files.purge(id);
      }
    }
    deleted += removed.size();
    operations.progress(operation.id(), counts());
  }

  private FlushOperationStore.Counts counts() {
    return new FlushOperationStore.Counts(
        stopped, deleted, removedRecords.models(), removedRecords.results());
  }

  private <T> List<List<T>> batches(List<T> items) {
    List<List<T>> batches = new ArrayList<>();
    for (int i = 0; i < items.size(); i += batchSize) {
      batches.add(items.subList(i, Math.min(items.size(), i + batchSize)));
    }
    return batches;
  }

  private void checkRunning() {
    if (!serviceRunning.getAsBoolean()) {
      throw new Stopping();
    }
  }

  /** The pause between two looks at the jobs still stopping. */
  private void pause() {
    checkRunning();
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Stopping();
    }
  }
}
