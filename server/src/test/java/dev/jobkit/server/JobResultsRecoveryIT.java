package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.ResultFile;
import dev.jobkit.sdk.jobs.ResultManifest;
import dev.jobkit.server.store.JobResultStore;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Result manifests across a restart: a job that ended while the service was down (lost at the
 * restart, or whose manifest was never stored) gets its manifest when the service starts, without a
 * client asking for it. A service of the class's own, since it restarts it.
 */
class JobResultsRecoveryIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.own();

  private static Api user() {
    return service.user().at(service.server().baseUrl());
  }

  private static boolean stored(String jobId) {
    return service.server().bean(JobResultStore.class).find(jobId).isPresent();
  }

  @Test
  void a_job_lost_at_a_restart_gets_the_manifest_of_what_it_wrote() {
    Api api = user();
    Job job =
        api.submit(
            "{\"shell\":\"printf before > \\\"$JOBKIT_OUTPUT_DIR/before.txt\\\"; sleep 300\","
                + "\"max_attempts\":1}");
    api.awaitStatus(job.id(), RUNNING, TIMEOUT);
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                user()
                        .get("/api/v1/jobs/" + job.id() + "/results")
                        .as(ResultManifest.class)
                        .fileCount()
                    == 1);

    service.server().restart();
    user().awaitStatus(job.id(), FAILED, TIMEOUT);

    await().atMost(TIMEOUT).until(() -> stored(job.id()));
    ResultManifest manifest =
        user().get("/api/v1/jobs/" + job.id() + "/results").expect(200).as(ResultManifest.class);
    assertThat(manifest.complete()).isTrue();
    assertThat(manifest.files())
        .extracting(ResultFile::path, ResultFile::sha256)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "before.txt", JobResultsIT.sha256("before".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void an_ended_job_without_a_stored_manifest_gets_one_when_the_service_starts() {
    Api api = user();
    Job job = api.submitShell("printf done > \"$JOBKIT_OUTPUT_DIR/done.txt\"");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);
    await().atMost(TIMEOUT).until(() -> stored(job.id()));

    service
        .server()
        .restartOnSamePort(
            () -> {
              // As if the service had stopped before it took the manifest.
              String url =
                  "jdbc:h2:file:" + service.server().dataDir().resolve("db").resolve("jobkit");
              try (Connection db = DriverManager.getConnection(url, "sa", "")) {
                db.createStatement()
                    .executeUpdate(
                        "DELETE FROM job_result_manifests WHERE job_id = '" + job.id() + "'");
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });

    await().atMost(TIMEOUT).until(() -> stored(job.id()));
    ResultManifest manifest =
        user().get("/api/v1/jobs/" + job.id() + "/results").expect(200).as(ResultManifest.class);
    assertThat(manifest.files()).extracting(ResultFile::path).containsExactly("done.txt");
  }
}
