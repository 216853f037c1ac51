package dev.jobkit.server.jobs;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.engine.DispatchQueue;
import dev.jobkit.server.engine.Stopper;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.store.DataStore;
import dev.jobkit.server.store.JobStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * The changes to one job the API offers: update its mutable fields, stop it, delete it once ended.
 * Each is allowed to the job's owner or an admin only, in the states the lifecycle table allows it,
 * and (stop, delete) only in the status the caller expected when it names one.
 */
@Service
public class JobControl {

  private final JobStore store;
  private final DispatchQueue queue;
  private final Stopper stopper;
  private final JobFiles files;
  private final JobReader reader;
  private final SpecValidator validator;

  private final DataStore outputs;

  JobControl(
      JobStore store,
      DispatchQueue queue,
      Stopper stopper,
      JobFiles files,
      JobReader reader,
      SpecValidator validator,
      DataStore outputs) {
    this.outputs = outputs;
    this.store = store;
    this.queue = queue;
    this.stopper = stopper;
    this.files = files;
    this.reader = reader;
    this.validator = validator;
  }

  private Job modifiable(Caller caller, String id) {
    Job job = reader.visible(caller, id);
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
    return reader.get(caller, id);
  }

  /**
   * Stops a job: at once if it has not been launched, else through {@code CANCEL_REQUESTED} while
   * its process tree is terminated ({@link Stopper}). A stop that lands is final. Only while the
   * job is in {@code expected} (when not null): the status the caller's pre-check saw. The change
   * is a compare-and-swap from that status, so a job that moved on in the meantime is refused with
   * 409 and left as it is.
   */
  public Job stop(Caller caller, String id, JobStatus expected) {
    return stop(caller, id, expected, false);
  }

  /**
   * Stops a job as {@link #stop(Caller, String, JobStatus)} does; with {@code force}, its processes
   * are killed without the grace period (a forced flush).
   */
  Job stop(Caller caller, String id, JobStatus expected, boolean force) {
    for (int round = 0; round < 20; round++) {
      Job job = modifiable(caller, id);
      JobStatus status = job.status();
      if (!Operation.STOP.allowedIn(status)) {
        throw ApiException.invalidState(job, Operation.STOP);
      }
      if (expected != null && status != expected) {
        throw ApiException.notInExpectedStatus(job, expected, Operation.STOP);
      }
      if (stopper.stop(id, status, caller.actor(), "stopped by " + caller.name(), force)) {
        return reader.get(caller, id);
      }
      // it moved meanwhile: decide again from its new state
    }
    throw ApiException.conflict("job " + id + " kept changing state; try the stop again");
  }

  /**
   * Deletes an ended job with its events, its model and result records and, with {@code
   * purgeArtifacts}, its files (the models' and results' with them: they are in its output dir);
   * only while it is in {@code expected} (when not null), the status the caller's pre-check saw. An
   * ended job never changes state again, so the check before the delete holds until it.
   *
   * @return the model and result records it removed
   */
  public DataStore.Removed delete(
      Caller caller, String id, boolean purgeArtifacts, JobStatus expected) {
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
    DataStore.Removed removed = removeOutputs(List.of(id));
    if (purgeArtifacts) {
      files.purge(id);
    }
    return removed;
  }

  /** Deletes the model and result records of these (deleted) jobs. */
  DataStore.Removed removeOutputs(Collection<String> jobIds) {
    return outputs.deleteOfJobs(jobIds);
  }
}
