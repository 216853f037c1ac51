package dev.jobkit.server.engine;

import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.exec.JobExecutor;
import dev.jobkit.server.store.CommittedEventListener;
import dev.jobkit.server.store.EventFeed;
import dev.jobkit.server.store.ServiceMembers;
import dev.jobkit.server.store.StoredEvent;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import org.springframework.stereotype.Component;

/**
 * What the engine does about the events of other services on the same database ({@link EventFeed}):
 * a job that became claimable (submitted, retried, released by its parents) is offered to this
 * dispatcher; a job that left flight wakes it (its owner has room again); and a job this service
 * runs that was stopped through another service has its processes terminated here, where they run
 * (a stop of a launched job: TERM, then KILL after the grace period; of one whose hook runs before
 * its pods: KILL).
 *
 * <p>This service's own events come by as well; they are skipped, known by their ids as they commit
 * here ({@link #committed}, before the feed reads them, mostly): the dispatcher heard of them
 * already, and a stop made here has terminated the processes. One the feed reads first is handled
 * like another service's, which only costs a lookup. Nothing to do on the embedded H2 database,
 * where this service makes every event itself.
 */
@Component
class ClusterEvents implements EventFeed.Listener, CommittedEventListener {

  private final DispatchQueue queue;
  private final Dispatcher dispatcher;
  private final JobExecutor executor;
  private final boolean shared;
  private final ConcurrentSkipListSet<Long> own = new ConcurrentSkipListSet<>();

  ClusterEvents(
      DispatchQueue queue, Dispatcher dispatcher, JobExecutor executor, ServiceMembers members) {
    this.queue = queue;
    this.dispatcher = dispatcher;
    this.executor = executor;
    this.shared = members.shared();
  }

  @Override
  public void committed(List<StoredEvent> events) {
    if (shared) {
      events.forEach(e -> own.add(e.event().id()));
    }
  }

  @Override
  public void published(List<StoredEvent> events) {
    if (!shared || events.isEmpty()) {
      return;
    }
    boolean wake = false;
    for (StoredEvent stored : events) {
      JobEvent e = stored.event();
      if (own.remove(e.id()) || !e.isTransition()) {
        continue;
      }
      JobStatus to = e.toStatus();
      if (to.isClaimable()) {
        queue.offer(stored.owner());
      } else if (!to.isInFlight()) {
        wake = true;
      }
      if ((to == JobStatus.CANCEL_REQUESTED || to == JobStatus.CANCELED)
          && e.fromStatus() != null
          && e.fromStatus().isInFlight()
          && dispatcher.follows(e.jobId())) {
        executor.terminate(e.jobId(), to == JobStatus.CANCELED);
      }
    }
    // Ids the feed has passed: one of them committed here after the feed read it stays no longer.
    own.headSet(events.get(events.size() - 1).event().id(), true).clear();
    if (wake) {
      queue.wake();
    }
  }
}
