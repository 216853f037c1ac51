package dev.jobkit.server.engine;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.Progress;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.exec.ReportFiles;
import dev.jobkit.server.store.JobRow;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.StoredText;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Progress and metrics a job reports by writing files: {@code JOBKIT_PROGRESS_FILE} holds a number
 * (percent) or {@code {"percent": 42, "message": "epoch 3/10"}}; {@code JOBKIT_METRICS_FILE} holds
 * a JSON object of numbers. A running job's are read when it is shown; an ended attempt's are kept
 * in the database.
 *
 * <p>Metrics are kept as far as they fit their column once stored ({@link StoredText#LARGE_COLUMN}
 * characters of JSON), members in file order: a file within the 64 KiB read limit can take more
 * than that as JSON (5,900 short names with integers grow to 76,701 characters as doubles), and a
 * report that cannot be stored must never keep the end of a job from being recorded.
 */
@Component
public class JobReports {

  private final JobFiles files;
  private final JobStore store;
  private final JsonMapper json = JsonMapper.builder().build();

  /**
   * The last report read whole of each job whose attempt runs, until its end is kept ({@link
   * #snapshot}): at most one entry per running job.
   */
  private final Map<String, Report> lastGood = new ConcurrentHashMap<>();

  JobReports(JobFiles files, JobStore store) {
    this.files = files;
    this.store = store;
  }

  /** The job with the progress and metrics its files hold now, if it is running. */
  public Job live(Job job) {
    if (!job.status().isLaunched()) {
      return job;
    }
    Report report = current(job.id());
    if (report.progress() == null && report.metrics().isEmpty()) {
      return job;
    }
    return JobRow.withReport(
        job,
        report.progress() != null ? report.progress() : job.progress(),
        report.metrics().isEmpty() ? job.metrics() : report.metrics());
  }

  /** Keeps what the job's files say now in the database; the attempt has ended. */
  void snapshot(String jobId) {
    Report report = current(jobId);
    lastGood.remove(jobId);
    Progress progress = report.progress();
    Map<String, Double> metrics = report.metrics();
    if (progress != null || !metrics.isEmpty()) {
      store.saveReport(
          jobId,
          progress == null ? null : json.writeValueAsString(progress),
          metrics.isEmpty() ? null : json.writeValueAsString(metrics));
    }
  }

  /**
   * What the job's files say now, each of the two as last read whole: a job that rewrites its file
   * (with {@code >}, which empties it first) is read between the two steps now and then, and must
   * not seem to have no progress for that moment.
   */
  private Report current(String jobId) {
    Progress progress = progress(jobId);
    Map<String, Double> metrics = metrics(jobId);
    Report seen = lastGood.getOrDefault(jobId, Report.NONE);
    Report now =
        new Report(
            progress != null ? progress : seen.progress(),
            metrics.isEmpty() ? seen.metrics() : metrics);
    if (now.progress() != null || !now.metrics().isEmpty()) {
      lastGood.put(jobId, now);
    }
    return now;
  }

  /** A job's progress (or null) and metrics as last read whole. */
  private record Report(Progress progress, Map<String, Double> metrics) {
    static final Report NONE = new Report(null, Map.of());
  }

  /**
   * Keeps what an external worker reported of a job's progress and metrics ({@code jobs} of a
   * heartbeat, or a complete's {@code metrics}), in the formats of the two files: stored as the end
   * of an attempt's are, so the job shows them. A null one stays as it was.
   */
  public void saveReported(Job job, JsonNode progress, JsonNode metrics) {
    Progress p =
        progress == null
            ? job.progress()
            : ReportFiles.progressOf(
                progress, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    Map<String, Double> m = metrics == null ? job.metrics() : metricsOf(metrics);
    boolean noMetrics = m == null || m.isEmpty();
    if (p == null && noMetrics) {
      return;
    }
    store.saveReport(
        job.id(),
        p == null ? null : json.writeValueAsString(p),
        noMetrics ? null : json.writeValueAsString(m));
  }

  Progress progress(String jobId) {
    return ReportFiles.progress(files.progressFile(jobId));
  }

  Map<String, Double> metrics(String jobId) {
    return metricsOf(ReportFiles.read(files.metricsFile(jobId)));
  }

  private static Map<String, Double> metricsOf(JsonNode node) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      int stored = 2; // {}
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        // Members that are no numbers are left out before asDouble(), which in Jackson 3 throws
        // for a string that is no number ("text") and so failed every read of the job.
        if (!e.getValue().isNumber()) {
          continue;
        }
        double value = e.getValue().asDouble();
        // Infinity (1e999) and NaN are no JSON numbers; a name with half a surrogate pair cannot
        // be stored as it is.
        if (!Double.isFinite(value) || StoredText.unstorable(e.getKey()).isPresent()) {
          continue;
        }
        int member = StoredText.json(e.getKey()).length() + 1 + StoredText.json(value).length();
        int after = stored + member + (metrics.isEmpty() ? 0 : 1);
        if (after > StoredText.LARGE_COLUMN) {
          break;
        }
        metrics.put(e.getKey(), value);
        stored = after;
      }
    }
    return metrics;
  }
}
