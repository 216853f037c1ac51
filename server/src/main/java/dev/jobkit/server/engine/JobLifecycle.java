package dev.jobkit.server.engine;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.ml.OutputRecords;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.Transition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Applies transitions and what follows from them: a job that succeeds has its model or result
 * recorded with the move (when it ran a shipped app), then a job that ends releases or fails the
 * children waiting for it; a job that becomes claimable wakes the dispatcher.
 */
@Component
public class JobLifecycle {

  private final JobStore store;
  private final DispatchQueue queue;
  private final OutputRecords outputs;

  JobLifecycle(JobStore store, DispatchQueue queue, OutputRecords outputs) {
    this.store = store;
    this.queue = queue;
    this.outputs = outputs;
  }

  /** Applies the transition if the job is still where the caller saw it. */
  public Optional<JobEvent> move(Transition transition) {
    return move(transition, null);
  }

  /**
   * As {@link #move(Transition)}; {@code queued} runs once the write waits its turn ({@link
   * JobStore#transition(Transition, Runnable)}).
   */
  Optional<JobEvent> move(Transition transition, Runnable queued) {
    Optional<JobEvent> event = store.transition(withRecord(transition), queued);
    event.ifPresent(e -> after(transition, e));
    return event;
  }

  /**
   * Applies transitions of one job one after the other in one transaction, all or none (none when
   * the job is no longer where the first expects it); whether they applied.
   */
  public boolean moveThrough(List<Transition> steps) {
    return moveThrough(steps, null);
  }

  /** As {@link #moveThrough(List)}; {@code queued} as in {@link #move(Transition, Runnable)}. */
  boolean moveThrough(List<Transition> steps, Runnable queued) {
    List<Transition> recorded = steps.stream().map(this::withRecord).toList();
    if (store.transitionThrough(recorded, queued).isEmpty()) {
      return false;
    }
    recorded.forEach(t -> after(t, null));
    return true;
  }

  /**
   * Applies many transitions in one transaction, each if its job is still where the caller saw it,
   * then what follows from each; the ones that applied.
   */
  public List<Transition> moveAll(List<Transition> transitions) {
    List<Transition> applied =
        store.transitionAll(transitions.stream().map(this::withRecord).toList());
    applied.forEach(t -> after(t, null));
    return applied;
  }

  /**
   * A move to {@code SUCCEEDED} also writes the train or predict job's model or result record, in
   * its transaction: nobody sees the job succeeded without its record (a child released next uses
   * it).
   */
  private Transition withRecord(Transition t) {
    if (t.to() != JobStatus.SUCCEEDED) {
      return t;
    }
    if (t.seen() != null && t.seen().app() == null) {
      return t; // a command or shell job: no record (a job's app never changes)
    }
    return outputs.recordOnSuccess(t.jobId()).map(r -> t.also(tx -> r.run())).orElse(t);
  }

  private void after(Transition t, JobEvent event) {
    if (t.to().isClaimable()) {
      store.findSummary(t.jobId()).ifPresent(job -> queue.offer(job.owner()));
    }
    if (t.to() == JobStatus.SUCCEEDED) {
      releaseChildrenOf(t.jobId());
      queue.wake();
    } else if (t.to().isTerminal()) {
      // Every waiting descendant fails: set-based, not one transition (and lookup) per job.
      store.failWaitingDescendants(t.jobId(), t.to(), Actor.SCHEDULER);
      queue.wake();
    }
  }

  /**
   * How many waiting children are decided in one transaction: bounded so that their parents' ids
   * (at most 100 each) stay within one statement's bind parameters on every database.
   */
  private static final int RELEASE_BATCH = 100;

  /**
   * Decides the fate of an ended job's waiting children, {@value #RELEASE_BATCH} to a transaction:
   * queued when every parent succeeded, failed with {@code parent_failed} when one ended otherwise.
   * A parent with 10,000 children costs a hundred transactions, not ten thousand.
   */
  public void releaseChildrenOf(String parentId) {
    List<String> waiting = store.waitingChildren(parentId);
    for (int from = 0; from < waiting.size(); from += RELEASE_BATCH) {
      settleWaiting(
          store.findAll(waiting.subList(from, Math.min(waiting.size(), from + RELEASE_BATCH))));
    }
  }

  /** Moves a job waiting for its parents on if they allow it; otherwise notes which remain. */
  public void settleWaiting(Job child) {
    settleWaiting(List.of(child));
  }

  /**
   * Moves jobs waiting for their parents on where those allow it, in one transaction; for the
   * others, notes which parents remain.
   */
  private void settleWaiting(List<Job> children) {
    List<Job> waiting =
        children.stream().filter(c -> c.status() == JobStatus.AWAITING_PARENTS).toList();
    Map<String, JobStatus> parents =
        store.statuses(
            waiting.stream().flatMap(c -> c.parents().stream()).collect(Collectors.toSet()));
    Map<String, String> owners = new HashMap<>();
    List<Transition> moves = new ArrayList<>();
    for (Job child : waiting) {
      owners.put(child.id(), child.owner());
      Optional<String> failed =
          child.parents().stream()
              .filter(
                  p ->
                      parents.get(p) == null
                          || parents.get(p) == JobStatus.FAILED
                          || parents.get(p) == JobStatus.CANCELED)
              .findFirst();
      if (failed.isPresent()) {
        String parent = failed.get();
        JobStatus status = parents.get(parent);
        String why =
            "parent_failed: parent "
                + parent
                + (status == null ? " no longer exists" : " ended " + status);
        moves.add(
            Transition.of(
                    child.id(), JobStatus.AWAITING_PARENTS, JobStatus.FAILED, Actor.SCHEDULER, why)
                .lastError(why)
                .finishedAt(java.time.Instant.now()));
        continue;
      }
      List<String> remaining =
          child.parents().stream().filter(p -> parents.get(p) != JobStatus.SUCCEEDED).toList();
      if (remaining.isEmpty()) {
        moves.add(
            Transition.of(
                child.id(),
                JobStatus.AWAITING_PARENTS,
                JobStatus.QUEUED,
                Actor.SCHEDULER,
                "all parents succeeded"));
      } else {
        store.setStatusReason(child.id(), JobStatus.AWAITING_PARENTS, waitingReason(remaining));
      }
    }
    for (Transition t : store.transitionAll(moves)) {
      if (t.to() == JobStatus.QUEUED) {
        queue.offer(owners.get(t.jobId())); // without reading the job again, as after() would
      } else {
        after(t, null);
      }
    }
  }

  /** The status reason of a job waiting for these parents. */
  public static String waitingReason(List<String> parents) {
    return "waiting for parents " + parents.stream().collect(Collectors.joining(", "));
  }
}
