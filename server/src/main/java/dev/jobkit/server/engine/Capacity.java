package dev.jobkit.server.engine;

import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.store.UserStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * What is running: slots in use and jobs per owner, against the executor's slots and each owner's
 * limit ({@code serial} 1, {@code parallel} 3 unless configured). A job holds its lease from its
 * claim until every process of its attempt is gone.
 */
@Component
public class Capacity {

  private record Lease(String owner, int pods) {}

  private final int slots;
  private final int parallelLimit;
  private final SchedulingMode defaultMode;
  private final UserStore users;
  private final Map<String, SchedulingMode> modes = new ConcurrentHashMap<>();
  private final Map<String, Lease> leases = new HashMap<>();
  private final Map<String, Integer> perOwner = new HashMap<>();
  private int used;

  Capacity(JobkitProperties properties, UserStore users) {
    this.slots = properties.executor().effectiveSlots();
    this.parallelLimit = properties.scheduling().parallelLimit();
    this.defaultMode = SchedulingMode.parse(properties.scheduling().defaultMode());
    this.users = users;
  }

  public int slots() {
    return slots;
  }

  public SchedulingMode defaultMode() {
    return defaultMode;
  }

  /** How many jobs the owner may run at once. */
  public int limitOf(String owner) {
    SchedulingMode mode =
        modes.computeIfAbsent(
            owner, o -> users.find(o).map(u -> u.schedulingMode()).orElse(defaultMode));
    return mode == SchedulingMode.SERIAL ? 1 : parallelLimit;
  }

  /** Forgets a cached scheduling mode after it changed. */
  public void modeChanged(String owner) {
    modes.remove(owner);
  }

  synchronized int freeSlots() {
    return slots - used;
  }

  synchronized boolean ownerHasRoom(String owner) {
    return perOwner.getOrDefault(owner, 0) < limitOf(owner);
  }

  synchronized void acquire(String jobId, String owner, int pods) {
    leases.put(jobId, new Lease(owner, pods));
    used += pods;
    perOwner.merge(owner, 1, Integer::sum);
  }

  /** Releases a job's lease; false if it held none (already released). */
  synchronized boolean release(String jobId) {
    Lease lease = leases.remove(jobId);
    if (lease == null) {
      return false;
    }
    used -= lease.pods();
    perOwner.merge(lease.owner(), -1, Integer::sum);
    return true;
  }

  /**
   * Why a queued job of this owner is not running yet, in words: its owner's limit, the slots, or
   * its place in line.
   */
  public synchronized String queuedReason(String owner) {
    int running = perOwner.getOrDefault(owner, 0);
    int limit = limitOf(owner);
    if (running >= limit) {
      String mode = limit == 1 ? "serial" : "parallel";
      return "owner's " + mode + " limit reached (" + running + " of " + limit + " running)";
    }
    if (used >= slots) {
      return "no free slot (" + used + " of " + slots + " in use)";
    }
    return "waiting for its turn (priority, then age)";
  }
}
