package dev.jobkit.shell.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.jobs.JobSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's training run of the service, when its workload fails: the service it started in the
 * background is stopped, and no archive is left behind.
 */
class StartupArchivesIT {

  @TempDir Path dir;

  @Test
  void a_failed_workload_stops_the_training_service_and_leaves_no_archive() {
    Path extracted =
        Paths.get(System.getProperty("jobkit.shell.jar"))
            .resolveSibling(ServiceLaunch.SERVICE_DIR)
            .resolve("jobkit-server.jar");
    assertThat(extracted).as("the build extracts the service before the tests").isRegularFile();
    Jvms.Jvm jvm = Jvms.chosen();
    Path archive = dir.resolve(ServiceLaunch.archiveName(jvm));
    String[] submitted = new String[1];

    assertThatThrownBy(
            () ->
                StartupArchives.train(
                    jvm,
                    extracted,
                    archive,
                    client -> {
                      submitted[0] =
                          client.jobs().submit(JobSpec.builder().command("true").build()).id();
                      throw new IllegalStateException("the workload failed");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the workload failed");

    assertThat(submitted[0]).as("the service ran the workload").startsWith("job_");
    assertThat(
            ProcessHandle.allProcesses()
                .filter(
                    p ->
                        p.info()
                            .commandLine()
                            .map(line -> line.contains(archive.toString()))
                            .orElse(false))
                .toList())
        .as("processes still training towards %s", archive)
        .isEmpty();
    assertThat(Files.exists(archive)).as("an archive of a workload cut short").isFalse();
  }
}
