package dev.jobkit.server.worker;

import dev.jobkit.sdk.WorkerProtocol;
import dev.jobkit.sdk.workers.ClaimedJob;
import dev.jobkit.server.exec.JobExecutor.StartedAttempt;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;

/** A job the worker claimed, from its acknowledgement to its reported end. */
final class RunningJob {

  final ClaimedJob claimed;

  /** The worker id it was claimed under: a job claimed before a re-registration keeps its own. */
  final String workerId;

  final List<PodLog> logs = new CopyOnWriteArrayList<>();
  private final Object shipping = new Object();

  volatile StartedAttempt started;
  volatile ScheduledFuture<?> timeout;
  volatile ScheduledFuture<?> shipper;

  /** Its owner stopped it: the end is reported as it is, and the service records CANCELED. */
  volatile boolean canceled;

  /** It ran past its timeout and was terminated. */
  volatile boolean timedOut;

  /** The worker is stopping and terminated it. */
  volatile boolean stoppedByWorker;

  /** The worker lost its claims: nothing of it is reported any more. */
  volatile boolean abandoned;

  /** Its end is being reported (or dropped): nothing else may report one. */
  volatile boolean ending;

  /** Why the worker itself failed it (a report it could not make), or null. */
  volatile String systemError;

  /** Whether its pods' slots are counted as used. Guarded by the worker. */
  boolean holdsSlots;

  private boolean done;

  RunningJob(ClaimedJob claimed, String workerId) {
    this.claimed = claimed;
    this.workerId = workerId;
  }

  /**
   * Ships what the pods wrote: while they run, whatever is there now; with {@code all} (they have
   * ended), everything, so that the service has the whole log before the end is reported.
   */
  Void ship(WorkerProtocol api, boolean all) {
    synchronized (shipping) {
      for (PodLog log : logs) {
        while (log.shipChunk(api)) {
          // chunk by chunk until the end of what is written
        }
      }
    }
    return null;
  }

  /** Marks it done with: its end reported (or dropped) and its files gone. */
  synchronized void done() {
    done = true;
    notifyAll();
  }

  /** Waits until it is done with, at most {@code limit}; whether it is. */
  synchronized boolean awaitDone(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return done;
      }
    }
    return true;
  }
}
