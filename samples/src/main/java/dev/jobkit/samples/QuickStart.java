package dev.jobkit.samples;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The SDK in one page: submit a job, wait until it runs, read its log, and stop it after asking at
 * the terminal. Run it against a service with {@code JOBKIT_URL} and {@code JOBKIT_API_KEY} set.
 */
public final class QuickStart {

  private QuickStart() {}

  public static void main(String[] args) {
    try (JobkitClient client = JobkitClient.fromEnvironment().build()) {
      run(client, Confirmers.console(), System.out);
    }
  }

  /** The walk-through, with the confirmer and output of the caller's choice. */
  public static Outcome run(JobkitClient client, Confirmer confirmer, PrintStream out) {
    // [quickstart]
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell("for i in $(seq 1 30); do echo step $i; sleep 1; done")
                    .displayName("quick-start")
                    .build());
    out.println("submitted " + job.id());

    client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, Duration.ofMinutes(1));
    out.print(client.jobs().logs(job.id()).tail().content());

    Outcome outcome = client.guarded(confirmer).stop(job.id());
    out.println(outcome.kind() + ": " + outcome.message());
    // [quickstart]
    return outcome;
  }
}
