package dev.jobkit.sdk.lifecycle;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every state a job can be in, with the transitions between them and the aliases other systems use
 * for them.
 *
 * <p>The successful flow is {@code AWAITING_PARENTS → QUEUED → CLAIMED → STAGED_IN → PREPROCESSED →
 * RUNNING → RUN_DONE → POSTPROCESSED → STAGED_OUT → SUCCEEDED}; a phase with nothing to do is
 * skipped, so a plain command job goes {@code QUEUED → CLAIMED → RUNNING → SUCCEEDED}. The
 * exceptional states are {@link #RUN_ERROR}, {@link #RUN_TIMEOUT}, {@link #RESTART_READY}, {@link
 * #CANCEL_REQUESTED}, {@link #FAILED} and {@link #CANCELED}.
 *
 * <pre>{@code
 * JobStatus s = JobStatus.parse("cancelled");   // CANCELED
 * s.isTerminal();                               // true
 * JobStatus.RUNNING.canTransitionTo(SUCCEEDED); // true
 * }</pre>
 *
 * <p>This enum is the one place the lifecycle table lives: the service enforces it and clients
 * pre-check with it.
 */
public enum JobStatus {
  /** Some parent job has not finished yet. */
  AWAITING_PARENTS,
  /** Ready, waiting for capacity. */
  QUEUED,
  /** A worker owns the job. */
  CLAIMED,
  /** The job's inputs are in its work dir. */
  STAGED_IN,
  /** The app's preprocess hook has run. */
  PREPROCESSED,
  /** The job's pods are running. */
  RUNNING,
  /** Every pod exited 0. */
  RUN_DONE,
  /** The app's postprocess hook has run. */
  POSTPROCESSED,
  /** The job's outputs are delivered. */
  STAGED_OUT,
  /** End state: success. */
  SUCCEEDED,
  /** A pod exited non-zero or could not start. */
  RUN_ERROR,
  /** The job ran past its timeout, or its worker was lost. */
  RUN_TIMEOUT,
  /** The job will run again. */
  RESTART_READY,
  /** A stop was asked for while the job's processes are alive. */
  CANCEL_REQUESTED,
  /** End state: failure. */
  FAILED,
  /** End state: stopped by a user. */
  CANCELED;

  /** The successful flow, in order; a job may skip forward over phases with nothing to do. */
  private static final JobStatus[] FLOW = {
    AWAITING_PARENTS,
    QUEUED,
    CLAIMED,
    STAGED_IN,
    PREPROCESSED,
    RUNNING,
    RUN_DONE,
    POSTPROCESSED,
    STAGED_OUT,
    SUCCEEDED
  };

  private static final Map<JobStatus, Set<JobStatus>> TRANSITIONS = buildTransitions();
  private static final Map<String, JobStatus> ALIASES = buildAliases();

  /**
   * Whether this is an end state, one the job never leaves.
   *
   * @return true for {@code SUCCEEDED}, {@code FAILED} and {@code CANCELED}
   */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELED;
  }

  /**
   * Whether the job is still alive in any way: every state that is not terminal.
   *
   * @return true unless {@link #isTerminal()}
   */
  public boolean isActive() {
    return !isTerminal();
  }

  /**
   * Whether the job's processes may be alive in this state, so that stopping it must signal them
   * ({@code RUNNING} to {@code STAGED_OUT}, and {@code CANCEL_REQUESTED}).
   *
   * @return true when a stop must signal the job's processes
   */
  public boolean isLaunched() {
    return switch (this) {
      case RUNNING, RUN_DONE, POSTPROCESSED, STAGED_OUT, CANCEL_REQUESTED -> true;
      default -> false;
    };
  }

  /**
   * Whether a worker may claim the job in this state.
   *
   * @return true for {@code QUEUED} and {@code RESTART_READY}
   */
  public boolean isClaimable() {
    return this == QUEUED || this == RESTART_READY;
  }

  /**
   * Whether a worker holds the job in this state: from its claim until it ends or goes back to the
   * queue ({@code CLAIMED} to {@code STAGED_OUT}, {@code RUN_ERROR}, {@code RUN_TIMEOUT}, {@code
   * CANCEL_REQUESTED}). A service that restarts finds such a job without the worker that held it.
   * Every state is exactly one of {@code AWAITING_PARENTS}, claimable, in flight or terminal.
   *
   * @return true while a worker holds the job
   */
  public boolean isInFlight() {
    return isActive() && !isClaimable() && this != AWAITING_PARENTS;
  }

  /**
   * The states this one may move to, as the lifecycle table says.
   *
   * @return an unmodifiable set, empty for end states
   */
  public Set<JobStatus> nextStates() {
    return TRANSITIONS.get(this);
  }

  /**
   * Whether the lifecycle allows moving from this state to {@code next}.
   *
   * @param next the state the job would move to
   * @return true when {@code next} is one of {@link #nextStates()}
   */
  public boolean canTransitionTo(JobStatus next) {
    return TRANSITIONS.get(this).contains(next);
  }

  /**
   * Reads a status by its name or by any alias of the alias table, ignoring case and surrounding
   * blanks: {@code "pending"}, {@code "Queuing"}, {@code "READY"} are {@link #QUEUED}; {@code
   * "cancelled"} and {@code "USER_KILLED"} are {@link #CANCELED}, and so on.
   *
   * @param text a status's name or alias, as a user, a script or another system wrote it
   * @return the status it means
   * @throws IllegalArgumentException naming the valid names when {@code text} is none of them
   */
  public static JobStatus parse(String text) {
    if (text != null) {
      JobStatus status = ALIASES.get(normalize(text));
      if (status != null) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "unknown job status '"
            + text
            + "'; valid statuses are "
            + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "))
            + " (aliases such as pending, running, completed, cancelled are accepted too)");
  }

  /**
   * The alias table {@link #parse} reads: how other systems and users spell a status.
   *
   * @return every accepted spelling (lower case) and the status it means, names included
   */
  public static Map<String, JobStatus> aliases() {
    return ALIASES;
  }

  private static String normalize(String text) {
    return text.strip().toLowerCase(Locale.ROOT);
  }

  private static Map<JobStatus, Set<JobStatus>> buildTransitions() {
    Map<JobStatus, Set<JobStatus>> table = new LinkedHashMap<>();
    for (JobStatus s : values()) {
      table.put(s, EnumSet.noneOf(JobStatus.class));
    }
    // The successful flow, skipping forward over phases with nothing to do.
    for (int i = 0; i < FLOW.length; i++) {
      for (int j = i + 1; j < FLOW.length; j++) {
        table.get(FLOW[i]).add(FLOW[j]);
      }
    }
    // Nothing jumps over the queue or straight from waiting to running.
    table.get(AWAITING_PARENTS).retainAll(EnumSet.of(QUEUED));
    table.get(QUEUED).retainAll(EnumSet.of(CLAIMED));
    // Running the command is never "nothing to do": no job ends its run without its pods running.
    for (JobStatus s : EnumSet.of(CLAIMED, STAGED_IN, PREPROCESSED)) {
      table.get(s).removeAll(EnumSet.of(RUN_DONE, POSTPROCESSED, STAGED_OUT, SUCCEEDED));
    }
    table.get(AWAITING_PARENTS).add(FAILED); // a parent ended otherwise than SUCCEEDED
    // A worker may hand a claim back; a lost worker times its claim out.
    table.get(CLAIMED).add(QUEUED);
    for (JobStatus s : EnumSet.of(CLAIMED, STAGED_IN, PREPROCESSED, RUNNING, RUN_DONE)) {
      table.get(s).addAll(EnumSet.of(RUN_ERROR, RUN_TIMEOUT));
    }
    table.get(POSTPROCESSED).add(RUN_ERROR);
    table.get(STAGED_OUT).add(RUN_ERROR);
    table.get(RUN_ERROR).addAll(EnumSet.of(RESTART_READY, FAILED));
    table.get(RUN_TIMEOUT).addAll(EnumSet.of(RESTART_READY, FAILED));
    table.get(RESTART_READY).addAll(EnumSet.of(QUEUED, CLAIMED));
    // Stop: at once before launch, through CANCEL_REQUESTED while processes may be alive.
    for (JobStatus s : values()) {
      if (!s.isTerminal() && s != CANCEL_REQUESTED) {
        table.get(s).add(CANCELED);
      }
      if (s.isLaunched() && s != CANCEL_REQUESTED) {
        table.get(s).add(CANCEL_REQUESTED);
      }
    }
    table.get(CANCEL_REQUESTED).add(CANCELED);
    // Any live job may fail outright (for example when it cannot be started at all).
    for (JobStatus s : EnumSet.of(CLAIMED, STAGED_IN, PREPROCESSED, RUNNING, RESTART_READY)) {
      table.get(s).add(FAILED);
    }
    Map<JobStatus, Set<JobStatus>> frozen = new LinkedHashMap<>();
    table.forEach((k, v) -> frozen.put(k, Collections.unmodifiableSet(v)));
    return Collections.unmodifiableMap(frozen);
  }

  private static Map<String, JobStatus> buildAliases() {
    Map<String, JobStatus> aliases = new LinkedHashMap<>();
    for (JobStatus s : values()) {
      aliases.put(normalize(s.name()), s);
    }
    alias(aliases, QUEUED, "pending", "Queuing", "queued", "READY", "CREATED", "RESET");
    alias(aliases, CLAIMED, "assigned", "claimed");
    alias(aliases, RUNNING, "running", "Running");
    alias(aliases, SUCCEEDED, "completed", "success", "Succeeded", "JOB_FINISHED");
    alias(aliases, FAILED, "failed", "Failed");
    alias(aliases, CANCELED, "canceled", "cancelled", "Stopped", "USER_KILLED");
    alias(aliases, CANCEL_REQUESTED, "canceling", "cancel_requested", "Stopping");
    return Collections.unmodifiableMap(aliases);
  }

  private static void alias(Map<String, JobStatus> aliases, JobStatus status, String... names) {
    for (String name : names) {
      aliases.put(normalize(name), status);
    }
  }
}
