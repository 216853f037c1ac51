package dev.jobkit.server.engine;

import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.exec.JobExecutor;
import dev.jobkit.server.store.ServiceMembers;
import dev.jobkit.server.store.UserStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * What is running: slots in use and jobs per owner, against the executor's slots and each owner's
 * limit ({@code serial} 1, {@code parallel} 3 unless configured). A job holds its lease from its
 * claim until every process of its attempt is gone; a job of an external worker holds one (without
 * slots: the worker has its own) from its claim until it ends or goes back to the queue.
 */
@Component
public class Capacity {

  /**
   * The slots and owner place one attempt holds, from its claim until its processes are gone and
   * its end is recorded. Compared by identity: a retry of the same job gets a lease of its own.
   */
  static final class Lease {
    private final String owner;
    private final int pods;

    private Lease(String owner, int pods) {
      this.owner = owner;
      this.pods = pods;
    }
  }

  private final int slots;
  private final boolean local;
  private final int parallelLimit;
  private final SchedulingMode defaultMode;
  private final UserStore users;
  private final Map<String, CachedMode> modes = new ConcurrentHashMap<>();
  private final boolean shared;
  private final Set<Lease> leases = new HashSet<>();
  private final Map<String, Integer> perOwner = new HashMap<>();
  private int used;

  Capacity(
      JobkitProperties properties,
      JobExecutor executor,
      UserStore users,
      WorkerSettings workers,
      ServiceMembers members) {
    this.shared = members.shared();
    this.local = workers.local();
    this.slots = executor.slots();
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

  /**
   * How many jobs the owner may run at once. Its mode is cached; where services share the database
   * for {@value #SHARED_MODE_MILLIS} ms at most, since a change made through another service does
   * not reach this one's {@link #modeChanged}.
   */
  public int limitOf(String owner) {
    long now = System.nanoTime();
    CachedMode cached = modes.get(owner);
    if (cached == null
        || (shared && now - cached.readAt() > TimeUnit.MILLISECONDS.toNanos(SHARED_MODE_MILLIS))) {
      cached =
          new CachedMode(users.find(owner).map(u -> u.schedulingMode()).orElse(defaultMode), now);
      modes.put(owner, cached);
    }
    return cached.mode() == SchedulingMode.SERIAL ? 1 : parallelLimit;
  }

  static final long SHARED_MODE_MILLIS = 2000;

  private record CachedMode(SchedulingMode mode, long readAt) {}

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

  /**
   * A lease if the owner is below its limit, else null: the check and the acquisition are one step,
   * so the dispatcher and external workers claiming at once never take an owner over its limit.
   * {@code pods} slots of the local executor are taken (0 for a job an external worker claims: it
   * counts against its owner's limit only).
   */
  synchronized Lease tryAcquire(String owner, int pods) {
    if (!ownerHasRoom(owner)) {
      return null;
    }
    return acquire(owner, pods);
  }

  synchronized Lease acquire(String owner, int pods) {
    Lease lease = new Lease(owner, pods);
    leases.add(lease);
    used += pods;
    perOwner.merge(owner, 1, Integer::sum);
    return lease;
  }

  /** Releases a lease; false if it was released already. */
  synchronized boolean release(Lease lease) {
    if (!leases.remove(lease)) {
      return false;
    }
    used -= lease.pods;
    perOwner.merge(lease.owner, -1, Integer::sum);
    return true;
  }

  /**
   * Why a queued job of this owner is not running yet, in words: its owner's limit, the slots, or
   * its place in line.
   */
  public synchronized String queuedReason(String owner, int pods) {
    int running = perOwner.getOrDefault(owner, 0);
    int limit = limitOf(owner);
    if (running >= limit) {
      String mode = limit == 1 ? "serial" : "parallel";
      return "owner's " + mode + " limit reached (" + running + " of " + limit + " running)";
    }
    if (!local) {
      return "waiting for a worker to claim it (the service runs no job itself:"
          + " jobkit.workers.local=false; a job whose app has hooks or transfers waits for a"
          + " service that runs jobs)";
    }
    if (used >= slots) {
      return "no free slot (" + used + " of " + slots + " in use)";
    }
    if (pods > slots - used) {
      return "needs " + pods + " free slots (" + (slots - used) + " of " + slots + " free)";
    }
    return "waiting for its turn (priority, then age)";
  }
}
