package dev.jobkit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The progress sample against a real service: it prints the job's reports and returns its end. */
class ProgressReportIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  @Test
  void the_sample_prints_the_reports_and_ends_with_the_last_one() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    Job done =
        ProgressReport.run(
            service.client(service.userKey()),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.progress().percent()).isEqualTo(100.0);
    assertThat(done.progress().message()).isEqualTo("epoch 5/5");
    assertThat(done.metrics()).containsEntry("loss", 0.5);
    String output = printed.toString(StandardCharsets.UTF_8);
    // Whether the last report was told while the job ran or at its end, it was told.
    assertThat(output).contains("percent=100.0, message=epoch 5/5").endsWith("ended SUCCEEDED\n");
  }
}
