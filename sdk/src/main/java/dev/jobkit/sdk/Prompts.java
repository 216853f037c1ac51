package dev.jobkit.sdk;

import static dev.jobkit.sdk.guard.PromptText.ago;
import static dev.jobkit.sdk.guard.PromptText.clean;
import static dev.jobkit.sdk.guard.PromptText.quoted;

import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.guard.PromptText;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobSummary;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The pre-checks of stop, delete and flush with the sentences a person is asked, built from what
 * was read of the job (and its events) or from a flush's dry run. Every name in them goes through
 * {@link PromptText}.
 *
 * <p>The consequence of an allowed stop depends on the job's state only, never on its name, age or
 * renames: it is the sentence of its {@link StopEffect}, the typed value {@link
 * GuardedActions#stop} compares when the job moved between the yes and the moment it acts.
 */
final class Prompts {

  /** A rename this recent is shown in the prompt, with the old name. */
  static final Duration RENAME_WINDOW = Duration.ofHours(1);

  /** How many of a flush's jobs its prompt names. */
  static final int FLUSH_NAMES = 5;

  private Prompts() {}

  static Precheck stop(Job job, List<JobEvent> events, Instant now) {
    JobStatus status = job.status();
    Rename rename = Rename.recent(events, now);
    String consequence = stopConsequence(job);
    if (!Operation.STOP.allowedIn(status)) {
      return precheck(Operation.STOP, job, false, consequence, null, rename);
    }
    String question = status == JobStatus.CANCEL_REQUESTED ? "Wait for it to end?" : "Stop it?";
    String prompt =
        describe(job, rename, now)
            + " is currently "
            + status
            + ". "
            + consequence
            + " "
            + question
            + " [yes/no]";
    return precheck(Operation.STOP, job, true, consequence, prompt, rename);
  }

  /**
   * What stopping the job would do, or why it may not be stopped: the part of a stop's pre-check
   * that decides whether a yes still holds.
   */
  static String stopConsequence(Job job) {
    JobStatus status = job.status();
    return switch (StopEffect.of(status)) {
      case NONE ->
          status.isTerminal()
              ? name(job) + " has already ended " + status + "; there is nothing to stop."
              : name(job) + " is " + status + "; stop is not allowed in that state.";
      case ALREADY_STOPPING -> "It is already being stopped; its processes are being terminated.";
      case ENDS_RUNNING ->
          "Stopping a running job cannot be undone and discards any progress it has not"
              + " checkpointed.";
      case CANCELS_BEFORE_RUN -> "Stopping it cancels it before it runs; this cannot be undone.";
    };
  }

  /**
   * What a stop does to a job in a given state: the answer a person said yes to. A job that moves
   * between two states of the same effect (running to run done, waiting for parents to queued)
   * still gets what was agreed to; one that moves to another effect (queued to running) is asked
   * about again.
   */
  enum StopEffect {
    /** Not launched yet: canceled at once, nothing of it ran. */
    CANCELS_BEFORE_RUN,
    /** Its processes may be alive: they are ended, and what they did not checkpoint is lost. */
    ENDS_RUNNING,
    /** Already being stopped: the stop only waits for its end. */
    ALREADY_STOPPING,
    /** Stop is not allowed (the job has ended). */
    NONE;

    static StopEffect of(JobStatus status) {
      if (!Operation.STOP.allowedIn(status)) {
        return NONE;
      } else if (status == JobStatus.CANCEL_REQUESTED) {
        return ALREADY_STOPPING;
      }
      return status.isLaunched() ? ENDS_RUNNING : CANCELS_BEFORE_RUN;
    }
  }

  static Precheck delete(Job job, List<JobEvent> events, boolean purgeArtifacts, Instant now) {
    Rename rename = Rename.recent(events, now);
    if (!Operation.DELETE.allowedIn(job.status())) {
      String why =
          name(job)
              + " is "
              + job.status()
              + "; only a job that has ended can be deleted (stop it first).";
      return precheck(Operation.DELETE, job, false, why, null, rename);
    }
    String consequence =
        purgeArtifacts
            ? "Deleting it removes the job, its events and its files; this cannot be undone."
            : "Deleting it removes the job and its events (its files stay on disk); this cannot be"
                + " undone.";
    String prompt =
        describe(job, rename, now)
            + " ended "
            + job.status()
            + ". "
            + consequence
            + " Delete it? [yes/no]";
    return precheck(Operation.DELETE, job, true, consequence, prompt, rename);
  }

  static Precheck flush(FlushScope scope, boolean purgeArtifacts, FlushResult dry) {
    return flush(scope, JobQuery.all(), purgeArtifacts, dry);
  }

  /** The pre-check of a flush of the jobs {@code filter} selects of the ones it may hit. */
  static Precheck flush(
      FlushScope scope, JobQuery filter, boolean purgeArtifacts, FlushResult dry) {
    List<String> ids = List.copyOf(dry.jobIds());
    String owner = filter.owner();
    String ofOwner = selected(filter);
    if (ids.isEmpty()) {
      return new Precheck(
          Operation.FLUSH.wireName(),
          null,
          null,
          null,
          false,
          "No job"
              + ofOwner
              + " matches scope "
              + scope.wireName()
              + "; there is nothing to flush.",
          null,
          ids,
          owner,
          null,
          null,
          null,
          dry.preview());
    }
    List<String> named =
        dry.preview().isEmpty()
            ? ids.stream().limit(FLUSH_NAMES).map(PromptText::clean).toList()
            : dry.preview().stream().limit(FLUSH_NAMES).map(Prompts::entry).toList();
    int more = ids.size() - named.size();
    String which =
        more > 0
            ? ", among them " + String.join(", ", named) + " and " + more + " more"
            : ": " + String.join(", ", named);
    String consequence =
        "Flushing "
            + (scope == FlushScope.ACTIVE ? "active jobs" : "all jobs")
            + ofOwner
            + (!filter.statuses().isEmpty()
                    && filter.statuses().stream().allMatch(JobStatus::isTerminal)
                ? " removes "
                : " stops every running or queued one and removes ")
            + ids.size()
            + " job(s)"
            + (purgeArtifacts ? " with their files" : "")
            + which
            + "; this cannot be undone.";
    return new Precheck(
        Operation.FLUSH.wireName(),
        null,
        null,
        null,
        true,
        consequence,
        consequence + " Flush them? [yes/no]",
        ids,
        owner,
        null,
        null,
        null,
        dry.preview());
  }

  /**
   * {@code of alice in state FAILED or CANCELED whose name contains "sweep" tagged team=vision}:
   * which jobs a flush's filter selects, every value cleaned or quoted.
   */
  static String selected(JobQuery filter) {
    StringBuilder s = new StringBuilder();
    if ("me".equals(filter.owner())) {
      s.append(" of yours");
    } else if (filter.owner() != null) {
      s.append(" of ").append(clean(filter.owner()));
    }
    if (!filter.statuses().isEmpty()) {
      s.append(" in state ")
          .append(String.join(" or ", filter.statuses().stream().map(Enum::name).toList()));
    }
    if (filter.nameContains() != null) {
      s.append(" whose name contains ").append(quoted(filter.nameContains()));
    }
    if (!filter.tags().isEmpty()) {
      s.append(" tagged ")
          .append(
              String.join(
                  " and ",
                  new java.util.TreeMap<>(filter.tags())
                      .entrySet().stream()
                          .map(e -> quoted(e.getKey() + "=" + e.getValue()))
                          .toList()));
    }
    if (filter.parent() != null) {
      s.append(" children of ").append(clean(filter.parent()));
    }
    if (filter.createdAfter() != null) {
      s.append(" created after ").append(filter.createdAfter());
    }
    if (filter.createdBefore() != null) {
      s.append(" created before ").append(filter.createdBefore());
    }
    return s.toString();
  }

  /** {@code "resnet-sweep" (job_…, RUNNING, alice)}. */
  private static String entry(JobSummary job) {
    return quoted(job.displayName())
        + " ("
        + clean(job.id())
        + ", "
        + job.status()
        + ", "
        + clean(job.owner())
        + ")";
  }

  /** {@code Job job_… "resnet-sweep"}: enough to say which job a refusal is about. */
  private static String name(Job job) {
    return "Job " + clean(job.id()) + " " + quoted(job.displayName());
  }

  /**
   * {@code Job job_… "resnet-sweep" (owner alice, submitted 3 h ago; renamed from "prod" 4 min
   * ago)}: what a person needs to recognise the job they are asked about.
   */
  private static String describe(Job job, Rename rename, Instant now) {
    StringBuilder s = new StringBuilder(name(job)).append(" (owner ").append(clean(job.owner()));
    if (job.createdAt() != null) {
      s.append(", submitted ").append(ago(job.createdAt(), now));
    }
    if (rename != null) {
      s.append("; renamed from ").append(quoted(rename.from())).append(' ');
      s.append(ago(rename.at(), now));
      if (rename.since() > 0) {
        s.append(" and ")
            .append(rename.since())
            .append(rename.since() == 1 ? " more time" : " more times")
            .append(" since");
      }
    }
    return s.append(')').toString();
  }

  private static Precheck precheck(
      Operation operation,
      Job job,
      boolean allowed,
      String consequence,
      String prompt,
      Rename rename) {
    if (!operation.guarded()) {
      throw new IllegalArgumentException(operation + " is not guarded: it has no pre-check");
    }
    return new Precheck(
        operation.wireName(),
        job.id(),
        job.displayName(),
        job.status(),
        allowed,
        consequence,
        prompt,
        List.of(job.id()),
        job.owner(),
        job.createdAt(),
        rename == null ? null : rename.from(),
        rename == null ? null : rename.at(),
        List.of());
  }

  /**
   * The first rename of the last hour: the name the job had before it, when, and how many renames
   * followed it. The first, not the last: a name changed twice in a row must still show the one a
   * person knew.
   */
  record Rename(String from, Instant at, int since) {

    static Rename recent(List<JobEvent> events, Instant now) {
      Instant after = now.minus(RENAME_WINDOW);
      List<JobEvent> renames =
          events.stream()
              .filter(e -> e.kind() == EventKind.RENAMED && e.at() != null && e.at().isAfter(after))
              .toList();
      if (renames.isEmpty()) {
        return null;
      }
      JobEvent first = renames.get(0);
      return new Rename(first.oldValue(), first.at(), renames.size() - 1);
    }
  }
}
