package dev.jobkit.sdk.lifecycle;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a user can do to a job, and the states that allow it: the operation × state table of the
 * design. The service refuses an operation in any other state with an {@code invalid_state}
 * problem; clients call {@link #allowedIn(JobStatus)} to pre-check before they ask.
 *
 * <pre>{@code
 * if (!Operation.STOP.allowedIn(job.status())) {
 *   // refuse before sending anything
 * }
 * }</pre>
 */
public enum Operation {
  /** Change {@code display_name}, {@code description}, {@code priority}, ... in any state. */
  UPDATE(Risk.LOW, s -> true),
  /** Stop (alias cancel) a job that has not ended. */
  STOP(Risk.HIGH, JobStatus::isActive),
  /** Remove a job that has ended, with its events and files. */
  DELETE(Risk.HIGH, JobStatus::isTerminal),
  /**
   * Stop and remove many jobs at once: a job in any state may be among them (the running ones are
   * stopped first).
   */
  FLUSH(Risk.HIGH, s -> true),
  /** Read the tail of a job's log, or follow it. */
  LOGS(Risk.READ, s -> true),
  /** Open an interactive shell in a running pod. */
  TERMINAL(Risk.MEDIUM, s -> s == JobStatus.RUNNING),
  /** Create a read-only share token. */
  SHARE(Risk.LOW, s -> true),
  /** Read the manifest of a job's output files. */
  RESULTS(Risk.READ, s -> true);

  private final Risk risk;
  private final Set<JobStatus> allowed;

  Operation(Risk risk, Predicate<JobStatus> rule) {
    this.risk = risk;
    EnumSet<JobStatus> states = EnumSet.noneOf(JobStatus.class);
    Arrays.stream(JobStatus.values()).filter(rule).forEach(states::add);
    this.allowed = Collections.unmodifiableSet(states);
  }

  /** How much harm this operation can do. */
  public Risk risk() {
    return risk;
  }

  /**
   * Whether this operation goes through the guarded protocol (pre-check, confirm, execute, verify)
   * in every client: true exactly for {@link Risk#HIGH}. The SDK offers these operations only on
   * {@code client.guarded(…)}, the shell asks before them, and the agent tools gate them.
   */
  public boolean guarded() {
    return risk == Risk.HIGH;
  }

  /** The operation of that {@linkplain #wireName() wire name} ({@code "stop"}), if there is one. */
  public static Optional<Operation> fromWireName(String name) {
    return Arrays.stream(values()).filter(o -> o.wireName().equals(name)).findFirst();
  }

  /** Whether this operation is allowed on a job in {@code status}. */
  public boolean allowedIn(JobStatus status) {
    return allowed.contains(status);
  }

  /** Every state this operation is allowed in. */
  public Set<JobStatus> allowedStatuses() {
    return allowed;
  }

  /** The lower-case name used in the API and in messages ({@code "stop"}). */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
