package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The successful flow of a job, end to end over HTTP with real processes. */
class JobLifecycleIT {

  static JobkitServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = JobkitServer.start();
    api = server.admin();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void a_plain_command_job_goes_queued_claimed_running_succeeded() {
    Job job = api.submit("{\"command\":[\"true\"],\"display_name\":\"noop\"}");
    assertThat(job.id()).startsWith("job_");

    Job done = api.awaitStatus(job.id(), JobStatus.SUCCEEDED);

    assertThat(done.result().exitCode()).isZero();
    assertThat(done.startedAt()).isNotNull();
    assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
    assertThat(api.events(job.id()))
        .extracting(e -> e.toStatus())
        .containsExactly(
            JobStatus.QUEUED, JobStatus.CLAIMED, JobStatus.RUNNING, JobStatus.SUCCEEDED);
  }
}
