package dev.jobkit.shell;

import static dev.jobkit.shell.support.ShellFixture.SCREEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.command.Completions;
import dev.jobkit.shell.command.Dispatcher;
import dev.jobkit.shell.command.Session;
import dev.jobkit.shell.render.Style;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import dev.jobkit.shell.support.Tmux;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.shell.core.command.completion.CompletionProposal;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code job export} and {@code job stats} as a user types them: the export to the output and to a
 * file (whole or not at all), and the statistics' table with a bar per state, in a real terminal
 * too.
 */
class HistoryCommandsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension
  static final ShellFixture fixture =
      ShellFixture.create("NO_COLOR", "1").keepingJobsBetweenTests();

  static List<Job> jobs;

  @BeforeAll
  static void jobs() {
    for (String command : List.of("true", "true", "true", "false")) {
      Job job =
          fixture
              .client()
              .jobs()
              .submit(JobSpec.builder().command(command).displayName("=" + command).build());
      fixture.client().jobs().await(job.id(), JobStatus::isTerminal, SCREEN);
    }
    jobs = fixture.client().jobs().listAll(JobQuery.builder().owner("me").build()).toList();
  }

  private static Jobkit.Result ok(String... args) {
    Jobkit.Result result = fixture.run(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  private static List<CSVRecord> csv(String text) throws IOException {
    return CSVFormat.RFC4180
        .builder()
        .setHeader()
        .setSkipHeaderRecord(true)
        .get()
        .parse(new StringReader(text))
        .getRecords();
  }

  @Test
  void export_writes_the_csv_of_job_list_to_the_output() throws IOException {
    List<CSVRecord> records = csv(ok("job", "export", "--owner", "me").out());

    assertThat(records)
        .extracting(r -> r.get("id"))
        .containsExactlyElementsOf(jobs.stream().map(Job::id).toList());
    assertThat(records).extracting(r -> r.get("display_name")).containsOnly("'=true", "'=false");
    assertThat(csv(ok("job", "export", "--owner", "me", "--status", "failed").out()))
        .extracting(r -> r.get("status"))
        .containsExactly("FAILED");
  }

  @Test
  void export_to_a_file_is_whole_or_leaves_the_file_as_it_was() throws IOException {
    Path file = fixture.home().resolve("jobs.json");
    Files.writeString(file, "before");

    Jobkit.Result written =
        ok("job", "export", "--format", "json", "--owner", "me", "--output", file.toString());
    assertThat(written.out()).isEmpty();
    JsonNode array = JSON.readTree(Files.readString(file));
    assertThat(array.size()).isEqualTo(jobs.size());

    Jobkit.Result refused =
        fixture.run("job", "export", "--status", "sleeping", "--output", file.toString());
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    Jobkit.Result badFormat = fixture.run("job", "export", "--format", "xlsx");
    assertThat(badFormat.exitCode()).as(badFormat.toString()).isEqualTo(2);
    assertThat(badFormat.err()).contains("--format must be csv or json");
    assertThat(JSON.readTree(Files.readString(file)).size()).isEqualTo(jobs.size());
    try (var left = Files.list(fixture.home())) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }
  }

  @Test
  void stats_show_the_figures_and_a_bar_per_state() {
    Jobkit.Result stats = ok("job", "stats", "--since", "1d", "--group-by", "status");

    assertThat(stats.out())
        .contains("jobs created since")
        .containsPattern("JOBS +ENDED +SUCCESS +MEAN +P95 +RESOURCE-S")
        .containsPattern("\\n4 +4 +75\\.0% ")
        .containsPattern("SUCCEEDED +3 +#{24}\\s")
        .containsPattern("FAILED +1 +#{8}\\s");
    JsonNode json = JSON.readTree(ok("job", "stats", "--json", "--group-by", "status").out());
    assertThat(json.get("total").get("jobs").asInt()).isEqualTo(4);
    assertThat(json.get("groups").get(0).get("key").asString()).isEqualTo("SUCCEEDED");
    Jobkit.Result bad = fixture.run("job", "stats", "--group-by", "team");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
  }

  @Test
  void tab_proposes_the_formats_and_the_groups() {
    PrintWriter sink = new PrintWriter(new StringWriter());
    Session session =
        new Session(null, fixture.home(), fixture.env(), sink, sink, Style.plain(), null, false);
    Dispatcher dispatcher = new Dispatcher(session);
    assertThat(propose(dispatcher, session, List.of("job", "export", "--format"), ""))
        .containsExactly("csv", "json");
    assertThat(propose(dispatcher, session, List.of("job", "stats", "--group-by"), ""))
        .containsExactly("user", "app", "status");
  }

  private static List<String> propose(
      Dispatcher dispatcher, Session session, List<String> before, String word) {
    return Completions.propose(dispatcher.registry(), session, before, word).stream()
        .map(CompletionProposal::value)
        .toList();
  }

  @Test
  void stats_in_a_terminal_draw_the_bars() {
    try (Tmux tmux = fixture.interactive()) {
      tmux.line("job stats --group-by status");
      String screen = tmux.awaitText("FAILED ", SCREEN);
      assertThat(screen).containsPattern("SUCCEEDED +3 +#{24}").containsPattern("75\\.0%");
    }
  }
}
