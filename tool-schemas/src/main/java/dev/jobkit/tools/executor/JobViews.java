package dev.jobkit.tools.executor;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.jobs.Pod;
import dev.jobkit.sdk.jobs.Progress;
import dev.jobkit.tools.registry.Outputs;
import dev.jobkit.tools.registry.Outputs.JobView;
import dev.jobkit.tools.registry.Outputs.ProgressView;
import dev.jobkit.tools.registry.Outputs.UntrustedJobOutput;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A job as the tools show it to a model: compact (the command only where asked for), and every
 * string that a job or whoever submitted it wrote — description, tags, errors, progress — fenced as
 * untrusted. The display name is the one such string left plain: it is short, and the person's
 * prompts quote it themselves. Also a job as one line of a list, one event of its history and the
 * end of its log.
 */
final class JobViews {

  /**
   * Metric names that cannot carry a sentence: at most 32 characters, at most three words joined by
   * {@code _ . / -}, no other punctuation ({@code val/loss}, {@code top5_acc}).
   */
  static final Pattern METRIC_NAME =
      Pattern.compile("(?=.{1,32}$)[A-Za-z0-9]+(?:[_./-][A-Za-z0-9]+){0,2}");

  /** The most characters of a failed job's log tail a {@code get_job} answer carries. */
  static final int LOG_TAIL_BUDGET = 2_000;

  private JobViews() {}

  /** The job without its command, and without a log tail. */
  static JobView of(Job j) {
    return of(j, false, null);
  }

  /**
   * The job.
   *
   * @param withCommand whether to show its command or script (get_job only: it repeats up to a
   *     kilobyte a call)
   * @param logTail the end of its log, for a job that failed; null to leave out
   */
  static JobView of(Job j, boolean withCommand, LogTail logTail) {
    List<Integer> exitCodes =
        j.pods() == null
                || j.pods().isEmpty()
                || j.pods().stream().allMatch(p -> p.exitCode() == null)
            ? null
            : j.pods().stream().map(Pod::exitCode).toList();
    Map<String, Double> metrics = metrics(j.metrics());
    int leftOut =
        j.metrics() == null ? 0 : j.metrics().size() - (metrics == null ? 0 : metrics.size());
    return new JobView(
        j.id(),
        j.displayName(),
        j.description() == null || j.description().isEmpty()
            ? null
            : Untrusted.fence(j.description(), Untrusted.ERROR_BUDGET, false, false),
        j.owner(),
        j.status(),
        j.statusReason(),
        j.priority(),
        j.accessibility(),
        j.podCount(),
        withCommand ? j.command() : null,
        withCommand ? j.shell() : null,
        tags(j.tags()),
        j.parents() == null || j.parents().isEmpty() ? null : j.parents(),
        j.attempt(),
        j.maxAttempts(),
        j.timeoutSeconds(),
        exitCodes,
        j.lastError() == null
            ? null
            : Untrusted.fence(j.lastError(), Untrusted.ERROR_BUDGET, false, false),
        logTail == null
            ? null
            : Untrusted.fence(logTail.content(), LOG_TAIL_BUDGET, true, logTail.truncated()),
        progress(j.progress()),
        metrics,
        leftOut == 0 ? null : leftOut,
        j.createdAt(),
        j.startedAt(),
        j.finishedAt());
  }

  /** The job as one line of {@code list_jobs}. */
  static Outputs.JobSummary summary(Job j) {
    return new Outputs.JobSummary(
        j.id(),
        j.displayName(),
        j.owner(),
        j.status(),
        j.statusReason(),
        j.priority(),
        j.createdAt(),
        j.finishedAt());
  }

  /** One event of a job's history. */
  static Outputs.EventView event(JobEvent e) {
    return new Outputs.EventView(
        e.kind(),
        e.fromStatus(),
        e.toStatus(),
        e.at(),
        e.actor(),
        e.actorKind(),
        e.reason(),
        e.oldValue(),
        e.newValue());
  }

  /** The end of one process's log, fenced as untrusted and cut to {@code chars}. */
  static Outputs.LogResult log(LogTail tail, int chars) {
    return new Outputs.LogResult(
        tail.jobId(),
        tail.pod(),
        tail.sizeBytes(),
        Untrusted.fence(tail.content(), chars, true, tail.truncated()));
  }

  private static UntrustedJobOutput tags(Map<String, String> tags) {
    if (tags == null || tags.isEmpty()) {
      return null;
    }
    StringBuilder lines = new StringBuilder();
    new TreeMap<>(tags).forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
    return Untrusted.fence(lines.toString(), Untrusted.ERROR_BUDGET, false, false);
  }

  private static ProgressView progress(Progress progress) {
    if (progress == null) {
      return null;
    }
    return new ProgressView(
        progress.percent(),
        progress.message() == null
            ? null
            : Untrusted.fence(progress.message(), Untrusted.ERROR_BUDGET, false, false),
        progress.updatedAt());
  }

  /** Metric names are the job's words too: only names that cannot carry a sentence pass. */
  private static Map<String, Double> metrics(Map<String, Double> metrics) {
    if (metrics == null || metrics.isEmpty()) {
      return null;
    }
    Map<String, Double> safe = new TreeMap<>();
    metrics.forEach(
        (name, value) -> {
          if (METRIC_NAME.matcher(name).matches()) {
            safe.put(name, value);
          }
        });
    return safe.isEmpty() ? null : safe;
  }
}
