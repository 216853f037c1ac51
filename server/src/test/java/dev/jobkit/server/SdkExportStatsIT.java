package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.ForbiddenException;
import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.StatsQuery;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.jobs.ExportFormat;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobStats;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.type.TypeReference;

/**
 * The SDK's {@code jobs().export} (to a stream, and to a file whole or not at all) and {@code
 * stats}, against the real service.
 */
class SdkExportStatsIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitClient client;
  static List<Job> jobs;

  @TempDir Path dir;

  @BeforeAll
  static void jobs() {
    client = service.client(service.userKey());
    for (String command : List.of("true", "false", "true")) {
      Job job =
          client
              .jobs()
              .submit(JobSpec.builder().command(command).displayName("=" + command).build());
      client.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(60));
    }
    jobs = client.jobs().listAll(JobQuery.builder().owner("me").build()).toList();
  }

  @Test
  void export_writes_the_csv_of_the_list_to_a_stream() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long written =
        client.jobs().export(ExportFormat.CSV, JobQuery.builder().owner("me").build(), out);

    assertThat(written).isEqualTo(out.size());
    List<CSVRecord> records = ExportIT.parse(out.toString(StandardCharsets.UTF_8));
    assertThat(records)
        .extracting(r -> r.get("id"))
        .containsExactlyElementsOf(jobs.stream().map(Job::id).toList());
    assertThat(records)
        .extracting(r -> r.get("display_name"))
        .containsExactly("'=true", "'=false", "'=true");
  }

  @Test
  void export_to_a_file_replaces_it_whole_and_leaves_it_on_a_refusal() throws IOException {
    Path file = dir.resolve("failed.json");
    Files.writeString(file, "before");
    client
        .jobs()
        .export(ExportFormat.JSON, JobQuery.builder().owner("me").status("failed").build(), file);
    List<Job> failed =
        dev.jobkit.server.support.Api.JSON.readValue(
            Files.readString(file), new TypeReference<List<Job>>() {});
    assertThat(failed).extracting(Job::displayName).containsExactly("=false");

    assertThatThrownBy(
            () ->
                client
                    .jobs()
                    .export(
                        ExportFormat.CSV,
                        JobQuery.builder().owner("me").tag("", "x").build(),
                        file))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("tag");
    assertThat(Files.readString(file)).startsWith("[");
    try (var left = Files.list(dir)) {
      assertThat(left).containsExactly(file); // no partial file stays
    }
  }

  @Test
  void stats_count_the_users_jobs_and_group_them() {
    JobStats stats = client.stats(StatsQuery.builder().groupBy(StatsQuery.GroupBy.STATUS).build());

    assertThat(stats.total().jobs()).isEqualTo(3);
    assertThat(stats.total().succeeded()).isEqualTo(2);
    assertThat(stats.total().successRate())
        .isCloseTo(2.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(stats.total().meanDurationSeconds()).isNotNull().isGreaterThanOrEqualTo(0);
    assertThat(stats.groups())
        .extracting(JobStats.Group::key)
        .containsExactly("SUCCEEDED", "FAILED");
    assertThat(client.stats(StatsQuery.builder().since(Duration.ofDays(1)).build()).total().jobs())
        .isEqualTo(3);
    assertThat(
            client.stats(StatsQuery.builder().to(jobs.get(2).createdAt()).build()).total().jobs())
        .isZero();
    assertThat(client.stats(StatsQuery.all()).from()).isNull();

    assertThatThrownBy(
            () ->
                client.stats(
                    StatsQuery.builder()
                        .from(Instant.now())
                        .to(Instant.now().minusSeconds(60))
                        .build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("to");
    assertThatThrownBy(() -> client.stats(StatsQuery.builder().owner("admin").build()))
        .isInstanceOf(ForbiddenException.class);
  }
}
