package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.ProgressListener;
import dev.jobkit.sdk.ProgressWatch;
import dev.jobkit.sdk.RetryPolicy;
import dev.jobkit.sdk.StreamListener;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.RecordingProxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code jobs().watchProgress}: a real job writes {@code $JOBKIT_PROGRESS_FILE} and {@code
 * $JOBKIT_METRICS_FILE} one step at a time, each step held by a gate the test opens once it has
 * seen the step before, so nothing depends on how fast the job or the watch is.
 */
class SdkProgressIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration INTERVAL = Duration.ofMillis(100);

  /** What the job reports: its percent, message and metrics, as a test compares them. */
  record Report(Double percent, String message, Map<String, Double> metrics) {
    static Report of(Job job) {
      return new Report(
          job.progress() == null ? null : job.progress().percent(),
          job.progress() == null ? null : job.progress().message(),
          job.metrics());
    }
  }

  /** A listener that queues what it is told. */
  static final class Recorder implements ProgressListener {
    final BlockingQueue<Job> progress = new LinkedBlockingQueue<>();
    final BlockingQueue<Job> ends = new LinkedBlockingQueue<>();
    final BlockingQueue<JobkitException> failures = new LinkedBlockingQueue<>();
    final List<Report> told = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onProgress(Job job) {
      told.add(Report.of(job));
      progress.add(job);
    }

    @Override
    public void onEnd(Job job) {
      ends.add(job);
    }

    @Override
    public void onFailure(JobkitException failure, boolean willRetry) {
      if (willRetry) {
        failures.add(failure);
      }
    }

    /** Waits until it has been told a job that {@code condition} holds for. */
    Job awaitTold(Predicate<Report> condition) throws InterruptedException {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (true) {
        Job job = progress.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        assertThat(job).as("a progress call before the timeout").isNotNull();
        if (condition.test(Report.of(job))) {
          return job;
        }
      }
    }
  }

  /**
   * Writes the progress file in place without truncating it first ({@code 1<>}), one write of as
   * many bytes as every other progress of these tests: a read at any moment sees the old or the new
   * report, never an empty file (which the service shows as no progress at all).
   */
  private static String progress(int percent, String message) {
    String report = String.format("{\"percent\": %2d, \"message\": \"%s\"}", percent, message);
    assertThat(report).hasSize(36);
    return "printf '%s' '" + report + "' 1<> \"$JOBKIT_PROGRESS_FILE\"; ";
  }

  private static String metrics(String json) {
    return "echo '" + json + "' > \"$JOBKIT_METRICS_FILE\"; ";
  }

  private String gate(String name) {
    return service.gates().script(name) + "; ";
  }

  @Test
  void each_change_of_progress_or_metrics_is_told_once_in_order_then_the_end() throws Exception {
    String g = "steps-" + System.nanoTime();
    JobkitClient client = service.client(service.userKey());
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell(
                        progress(10, "step 1")
                            + gate(g + "-1")
                            + metrics("{\"loss\": 0.9}")
                            + gate(g + "-2")
                            + progress(50, "step 2")
                            // The same values again: a new file time, nothing to tell.
                            + progress(50, "step 2")
                            + gate(g + "-3")
                            + progress(90, "step 3"))
                    .build());
    Recorder recorder = new Recorder();

    try (ProgressWatch watch = client.jobs().watchProgress(job.id(), INTERVAL, recorder)) {
      recorder.awaitTold(r -> Double.valueOf(10).equals(r.percent()));
      service.gates().open(g + "-1");
      recorder.awaitTold(r -> r.metrics().equals(Map.of("loss", 0.9)));
      service.gates().open(g + "-2");
      recorder.awaitTold(r -> Double.valueOf(50).equals(r.percent()));
      service.gates().open(g + "-3");

      Job done = watch.awaitEnd(TIMEOUT);

      assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(recorder.ends).singleElement().satisfies(j -> assertThat(j).isEqualTo(done));
      assertThat(watch.done()).isTrue();
    }
    Map<String, Double> loss = Map.of("loss", 0.9);
    List<Report> told = new ArrayList<>(recorder.told);
    if (told.get(0).percent() == null) {
      // The watch opened before the job first wrote: it tells where it starts from.
      assertThat(told.remove(0)).isEqualTo(new Report(null, null, Map.of()));
    }
    assertThat(told)
        .containsExactly(
            new Report(10.0, "step 1", Map.of()),
            new Report(10.0, "step 1", loss),
            new Report(50.0, "step 2", loss),
            new Report(90.0, "step 3", loss));
  }

  @Test
  void a_listener_that_throws_is_reported_and_the_watch_goes_on_to_the_end() throws Exception {
    String g = "throws-" + System.nanoTime();
    BlockingQueue<RuntimeException> reported = new LinkedBlockingQueue<>();
    try (JobkitClient client =
        JobkitClient.builder()
            .baseUrl(service.server().baseUrl())
            .apiKey(service.userKey())
            .streamListener(
                new StreamListener() {
                  @Override
                  public void onCallbackFailure(URI stream, RuntimeException failure) {
                    reported.add(failure);
                  }
                })
            .build()) {
      Job job =
          client.jobs().submit(JobSpec.builder().shell(gate(g) + progress(90, "step 3")).build());

      try (ProgressWatch watch =
          client
              .jobs()
              .watchProgress(
                  job.id(),
                  INTERVAL,
                  j -> {
                    throw new IllegalStateException("the caller's bug, at " + Report.of(j));
                  })) {
        assertThat(reported.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
            .hasMessageStartingWith("the caller's bug");
        service.gates().open(g);

        Job done = watch.awaitEnd(TIMEOUT);

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.progress().percent()).isEqualTo(90.0);
      }
    }
  }

  @Test
  void reads_that_fail_on_the_way_are_tried_again_and_the_watch_sees_the_end() throws Exception {
    String g = "lossy-" + System.nanoTime();
    RecordingProxy proxy = new RecordingProxy(service.server().baseUrl());
    try (proxy;
        JobkitClient client =
            JobkitClient.builder()
                .baseUrl(proxy.baseUrl())
                .apiKey(service.userKey())
                .retry(RetryPolicy.none())
                .build()) {
      Job job =
          client
              .jobs()
              .submit(
                  JobSpec.builder()
                      .shell(progress(10, "step 1") + gate(g) + progress(90, "step 3"))
                      .build());
      Recorder recorder = new Recorder();
      try (ProgressWatch watch = client.jobs().watchProgress(job.id(), INTERVAL, recorder)) {
        recorder.awaitTold(r -> Double.valueOf(10).equals(r.percent()));

        // Every read of the job now comes back 502, as from a proxy in trouble.
        proxy.loseAnswersOf(r -> r.equals("GET /api/v1/jobs/" + job.id()));
        assertThat(recorder.failures.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
            .isNotNull()
            .satisfies(f -> assertThat(f.isRetryable()).isTrue());
        proxy.loseAnswersOf(r -> false);
        service.gates().open(g);

        Job done = watch.awaitEnd(TIMEOUT);

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(Report.of(done)).isEqualTo(new Report(90.0, "step 3", Map.of()));
        assertThat(recorder.told).last().isEqualTo(new Report(90.0, "step 3", Map.of()));
      }
    }
  }

  @Test
  void close_ends_the_watch_of_a_running_job() throws Exception {
    String g = "closed-" + System.nanoTime();
    JobkitClient client = service.client(service.userKey());
    Job job = client.jobs().submit(JobSpec.builder().shell(gate(g)).build());
    client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, TIMEOUT);
    Recorder recorder = new Recorder();
    ProgressWatch watch = client.jobs().watchProgress(job.id(), INTERVAL, recorder);
    recorder.awaitTold(r -> true);

    watch.close();

    assertThat(watch.done()).isTrue();
    assertThatThrownBy(() -> watch.awaitEnd(TIMEOUT))
        .isInstanceOf(JobkitException.class)
        .hasMessageContaining("was closed before the job ended");
    assertThat(recorder.ends).isEmpty();
    service.gates().open(g);
    client.jobs().await(job.id(), JobStatus::isTerminal, TIMEOUT);
  }

  @Test
  void a_watch_of_a_job_that_does_not_exist_fails_at_once() {
    JobkitClient client = service.client(service.userKey());

    assertThatThrownBy(() -> client.jobs().watchProgress("job_nope", INTERVAL, j -> {}))
        .isInstanceOf(dev.jobkit.sdk.NotFoundException.class);
    assertThatThrownBy(() -> client.jobs().watchProgress("job_nope", Duration.ZERO, j -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
