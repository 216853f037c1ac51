package dev.jobkit.server.engine;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.Transition;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Applies transitions and what follows from them: a job that ends releases or fails the children
 * waiting for it; a job that becomes claimable wakes the dispatcher.
 */
@Component
public class JobLifecycle {

  private final JobStore store;
  private final DispatchQueue queue;

  JobLifecycle(JobStore store, DispatchQueue queue) {
    this.store = store;
    this.queue = queue;
  }

  /** Applies the transition if the job is still where the caller saw it. */
  public Optional<JobEvent> move(Transition transition) {
    Optional<JobEvent> event = store.transition(transition);
    event.ifPresent(e -> after(transition, e));
    return event;
  }

  /**
   * Applies many transitions in one transaction, each if its job is still where the caller saw it,
   * then what follows from each; the ones that applied.
   */
  public List<Transition> moveAll(List<Transition> transitions) {
    List<Transition> applied = store.transitionAll(transitions);
    applied.forEach(t -> after(t, null));
    return applied;
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
   * Decides the fate of a new job's or an ended job's waiting children: queued when every parent
   * succeeded, failed with {@code parent_failed} when one ended otherwise.
   */
  public void releaseChildrenOf(String parentId) {
    Deque<String> pending = new ArrayDeque<>(store.waitingChildren(parentId));
    while (!pending.isEmpty()) {
      store.findSummary(pending.pop()).ifPresent(this::settleWaiting);
    }
  }

  /** Moves a job waiting for its parents on if they allow it; otherwise notes which remain. */
  public void settleWaiting(Job child) {
    if (child.status() != JobStatus.AWAITING_PARENTS) {
      return;
    }
    Map<String, JobStatus> parents = store.statuses(child.parents());
    for (String parent : child.parents()) {
      JobStatus status = parents.get(parent);
      if (status == null || status == JobStatus.FAILED || status == JobStatus.CANCELED) {
        String why =
            "parent_failed: parent "
                + parent
                + (status == null ? " no longer exists" : " ended " + status);
        move(
            Transition.of(
                    child.id(), JobStatus.AWAITING_PARENTS, JobStatus.FAILED, Actor.SCHEDULER, why)
                .set("last_error", why)
                .set("finished_at", java.time.Instant.now()));
        return;
      }
    }
    List<String> waiting =
        child.parents().stream().filter(p -> parents.get(p) != JobStatus.SUCCEEDED).toList();
    if (waiting.isEmpty()) {
      move(
          Transition.of(
              child.id(),
              JobStatus.AWAITING_PARENTS,
              JobStatus.QUEUED,
              Actor.SCHEDULER,
              "all parents succeeded"));
    } else {
      store.setStatusReason(child.id(), JobStatus.AWAITING_PARENTS, waitingReason(waiting));
    }
  }

  /** The status reason of a job waiting for these parents. */
  public static String waitingReason(List<String> parents) {
    return "waiting for parents " + parents.stream().collect(Collectors.joining(", "));
  }
}
