package dev.jobkit.server.engine;

import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.JobStore.StartedPids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pids of pods started after their job was recorded {@code RUNNING} (a reserved launch), on
 * their way to the store: held for {@link #DELAY}, then written together, all the attempts started
 * meanwhile in one commit. An attempt that ends first is not written here at all: its end records
 * its pids ({@link dev.jobkit.server.exec.JobExecutor.AttemptEnd#pids}), so a job that runs for
 * less than the delay costs no write of its own for them. Until written, the job's pods show no
 * pid.
 */
final class PidWrites {

  private static final Logger log = LoggerFactory.getLogger(PidWrites.class);

  /** How long started pids wait to be written with the others started meanwhile. */
  static final Duration DELAY = Duration.ofMillis(50);

  private final JobStore store;
  private final Map<String, StartedPids> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ScheduledExecutorService writer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jobkit-pids"));

  PidWrites(JobStore store) {
    this.store = store;
  }

  /** The attempt's pods started with these pids: written within {@link #DELAY} unless it ends. */
  void started(StartedPids pids) {
    pending.put(pids.jobId(), pids);
    if (scheduled.compareAndSet(false, true)) {
      try {
        writer.schedule(this::write, DELAY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        scheduled.set(false); // the service stops: its pods are ended with it
      }
    }
  }

  /** The job's attempt ended: its end records the pids, nothing is left to write here. */
  void ended(String jobId, int attempt) {
    pending.computeIfPresent(jobId, (id, pids) -> pids.attempt() == attempt ? null : pids);
  }

  private void write() {
    scheduled.set(false);
    List<StartedPids> batch = new ArrayList<>();
    for (String jobId : List.copyOf(pending.keySet())) {
      StartedPids pids = pending.remove(jobId);
      if (pids != null) {
        batch.add(pids);
      }
    }
    try {
      store.recordPids(batch);
    } catch (RuntimeException e) {
      log.warn("could not record the pids of {} attempts: {}", batch.size(), e.getMessage());
    }
  }

  void stop() {
    writer.shutdownNow();
  }
}
