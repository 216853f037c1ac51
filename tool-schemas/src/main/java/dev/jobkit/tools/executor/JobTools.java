package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitApiException;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.ResultsExpiredException;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.tools.executor.ToolExecutor.BadArguments;
import dev.jobkit.tools.registry.Inputs;
import dev.jobkit.tools.registry.Outputs;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The job tools that neither need a person's yes nor wait: {@code list_jobs}, {@code get_job},
 * {@code update_job}, {@code get_job_logs} and {@code get_job_events}.
 */
final class JobTools {

  private final JobkitClient client;

  JobTools(JobkitClient client) {
    this.client = client;
  }

  Outputs.JobList list(Inputs.ListJobs in) {
    JobQuery.Builder query = JobQuery.builder().limit(in.limit() == null ? 20 : in.limit());
    if (in.status() != null) {
      in.status().forEach(s -> statuses(s).forEach(query::status));
    }
    if (in.createdAfter() != null) {
      query.createdAfter(Instant.parse(in.createdAfter()));
    }
    if (in.createdBefore() != null) {
      query.createdBefore(Instant.parse(in.createdBefore()));
    }
    if (in.owner() != null) {
      query.owner(in.owner());
    }
    if (in.nameContains() != null) {
      query.nameContains(in.nameContains());
    }
    if (in.tags() != null) {
      in.tags().forEach(t -> query.tag(t.key(), t.value()));
    }
    if (in.parent() != null) {
      query.parent(in.parent());
    }
    var page = client.jobs().list(query.build().withCursor(in.cursor()));
    return new Outputs.JobList(
        page.items().stream().map(JobViews::summary).toList(), page.nextCursor());
  }

  /** A job with its command, and for a job that failed, the end of its log. */
  Outputs.JobResult get(Inputs.GetJob in) {
    Job job = client.jobs().get(in.jobId());
    LogTail tail = null;
    if (job.status() == JobStatus.FAILED) {
      try {
        tail = client.jobs().logs(in.jobId()).pod(0).tail(JobViews.LOG_TAIL_BUDGET);
      } catch (JobkitApiException noLog) {
        tail = null; // the job is still worth showing without it
      }
    }
    return new Outputs.JobResult(JobViews.of(job, true, tail));
  }

  Outputs.JobResult update(Inputs.UpdateJob in) {
    if (in.displayName() == null
        && in.description() == null
        && in.priority() == null
        && in.accessibility() == null
        && in.podCount() == null) {
      throw new BadArguments(
          "give at least one field to change: display_name, description, priority,"
              + " accessibility or pod_count");
    }
    Job updated =
        client
            .jobs()
            .update(
                in.jobId(),
                new JobUpdate(
                    in.displayName(),
                    in.description(),
                    in.priority(),
                    in.accessibility(),
                    in.podCount()));
    return new Outputs.JobResult(JobViews.of(updated));
  }

  Outputs.LogResult logs(Inputs.GetJobLogs in) {
    int pod = in.pod() == null ? 0 : in.pod();
    int chars = in.maxChars() == null ? 4_000 : in.maxChars();
    try {
      return JobViews.log(client.jobs().logs(in.jobId()).pod(pod).tail(chars), chars);
    } catch (ResultsExpiredException e) {
      throw withTime(e, in.jobId());
    }
  }

  /**
   * The refusal of a log that retention removed, with when: the SDK's log reader leaves the time
   * out (the problem's {@code expired_at} is not one of its fields), so it is read from the job.
   */
  private ResultsExpiredException withTime(ResultsExpiredException e, String jobId) {
    if (e.expiredAt().isPresent()) {
      return e;
    }
    try {
      return new ResultsExpiredException(
          e.status(),
          e.problem(),
          e.requestId().orElse(null),
          client.jobs().get(jobId).resultsExpiredAt());
    } catch (JobkitException unknown) {
      return e;
    }
  }

  Outputs.EventList events(Inputs.GetJobEvents in) {
    List<JobEvent> all = client.jobs().events(in.jobId());
    int limit = in.limit() == null ? 100 : in.limit();
    int omitted = Math.max(0, all.size() - limit);
    return new Outputs.EventList(
        in.jobId(),
        all.subList(omitted, all.size()).stream().map(JobViews::event).toList(),
        omitted);
  }

  /** A state by name or alias, or one of the groups {@code active} and {@code ended}. */
  static List<JobStatus> statuses(String text) {
    String group = text.strip().toLowerCase(Locale.ROOT);
    if (group.equals("active") || group.equals("ended")) {
      boolean ended = group.equals("ended");
      return Arrays.stream(JobStatus.values()).filter(s -> s.isTerminal() == ended).toList();
    }
    try {
      return List.of(JobStatus.parse(text));
    } catch (IllegalArgumentException e) {
      throw new BadArguments(e.getMessage() + "; or use the groups active and ended");
    }
  }
}
