package dev.jobkit.samples;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.ProgressWatch;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import java.io.PrintStream;
import java.time.Duration;

/**
 * A job that reports its progress and metrics, and a watch that prints them as they change until
 * the job ends. Run it against a service with {@code JOBKIT_URL} and {@code JOBKIT_API_KEY} set.
 */
public final class ProgressReport {

  private ProgressReport() {}

  public static void main(String[] args) {
    try (JobkitClient client = JobkitClient.fromEnvironment().build()) {
      run(client, System.out);
    }
  }

  /** Submits the job and prints what it reports; the job as it ended. */
  public static Job run(JobkitClient client, PrintStream out) {
    // [progress]
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell(
                        "for i in 1 2 3 4 5; do"
                            + " printf '{\"percent\": %d, \"message\": \"epoch %d/5\"}' $((i * 20)) $i"
                            + "   > \"$JOBKIT_PROGRESS_FILE\";"
                            + " printf '{\"loss\": 0.%d}' $((10 - i)) > \"$JOBKIT_METRICS_FILE\";"
                            + " sleep 1;"
                            + " done")
                    .displayName("progress-report")
                    .build());

    try (ProgressWatch watch =
        client
            .jobs()
            .watchProgress(
                job.id(),
                Duration.ofMillis(500),
                j -> out.println(j.status() + " " + j.progress() + " " + j.metrics()))) {
      Job done = watch.awaitEnd(Duration.ofMinutes(2));
      out.println("ended " + done.status());
      return done;
    }
    // [progress]
  }
}
