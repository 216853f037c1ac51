package dev.jobkit.server.engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The owners that may have claimable jobs, and the dispatcher's wake-up signal. An owner is added
 * after every commit that makes one of its jobs claimable; the dispatcher removes an owner before
 * it looks for that owner's next job and adds it back if it finds one, so no owner is dropped while
 * it still has work.
 */
@Component
public class DispatchQueue {

  private final Set<String> owners = ConcurrentHashMap.newKeySet();
  private final Semaphore wakeups = new Semaphore(0);

  /** An owner has a claimable job; wake the dispatcher. */
  public void offer(String owner) {
    owners.add(owner);
    wake();
  }

  /** Something changed that may let a queued job start (a slot freed, a limit raised). */
  public void wake() {
    if (wakeups.availablePermits() == 0) {
      wakeups.release();
    }
  }

  void addAll(Set<String> all) {
    owners.addAll(all);
  }

  Set<String> snapshot() {
    return Set.copyOf(owners);
  }

  boolean remove(String owner) {
    return owners.remove(owner);
  }

  void restore(String owner) {
    owners.add(owner);
  }

  /** Waits for a wake-up, at most {@code millis}. */
  void await(long millis) throws InterruptedException {
    wakeups.tryAcquire(millis, TimeUnit.MILLISECONDS);
    wakeups.drainPermits();
  }
}
