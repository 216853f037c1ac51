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

  /**
   * How much harm this operation can do.
   *
   * @return its risk; {@link Risk#HIGH} makes it {@linkplain #guarded() guarded}
   */
  public Risk risk() {
    return risk;
  }

  /**
   * Whether this operation goes through the guarded protocol (pre-check, confirm, execute, verify)
   * in every client: true exactly for {@link Risk#HIGH}. The SDK offers these operations only on
   * {@code client.guarded(…)}, the shell asks before them, and the agent tools gate them.
   *
   * @return true when every client must ask before it and verify after it
   */
  public boolean guarded() {
    return risk == Risk.HIGH;
  }

  /**
   * The operation of that {@linkplain #wireName() wire name}, if there is one.
   *
   * @param name a lower-case wire name ({@code "stop"}); case matters
   * @return the operation, or empty when no operation has that name
   */
  public static Optional<Operation> fromWireName(String name) {
    return Arrays.stream(values()).filter(o -> o.wireName().equals(name)).findFirst();
  }

  /**
   * Whether this operation is allowed on a job in {@code status}.
   *
   * @param status the job's current state
   * @return true when the lifecycle allows it; the service refuses it otherwise
   */
  public boolean allowedIn(JobStatus status) {
    return allowed.contains(status);
  }

  /**
   * Every state this operation is allowed in.
   *
   * @return an unmodifiable set of the states {@link #allowedIn} accepts
   */
  public Set<JobStatus> allowedStatuses() {
    return allowed;
  }

  /**
   * The name of this operation in the API and in messages.
   *
   * @return the lower-case name ({@code "stop"})
   */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
