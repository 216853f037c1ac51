package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import dev.jobkit.shell.support.Tmux;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code job list --watch} of the class's user's jobs: in a real terminal (tmux), its table redrawn
 * in place within the terminal's height; without one (a pipe), a line per change.
 */
class LiveListIT {

  private static final Duration SCREEN = ShellFixture.SCREEN;

  @RegisterExtension static final ShellFixture fixture = ShellFixture.create("NO_COLOR", "1");

  private static final JobkitService service = fixture.service();

  private static JobkitClient client;

  @BeforeAll
  static void connect() {
    client = fixture.client();
  }

  /** A job that reports its progress, then waits for {@code gate}; RUNNING when returned. */
  private static Job gated(String name, String gate, String progress) {
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell(
                        "echo '"
                            + progress
                            + "' > \"$JOBKIT_PROGRESS_FILE\"; "
                            + service.gates().script(gate))
                    .displayName(name)
                    .build());
    return client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, SCREEN);
  }

  /** A word unique to a test: its gates, and the names of its jobs, which it lists by. */
  private static String unique() {
    return "live-list-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void at_80x24_more_jobs_than_rows_show_the_most_recently_changed_first_under_one_header() {
    String gate = unique();
    // The oldest of them: at first past the rows that fit, at the top once it has changed.
    Job waiting = gated(gate + "-waits-for-its-gate-with-a-long-name", gate, "10");
    List<Job> quick = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      quick.add(
          client
              .jobs()
              .submit(JobSpec.builder().command("true").displayName(gate + "-" + i).build()));
    }
    for (Job j : quick) {
      client.jobs().await(j.id(), JobStatus::isTerminal, SCREEN);
    }
    try (Tmux tmux =
        Tmux.start(
            fixture.env(), Jobkit.commandLine("job", "list", "--name", gate, "--watch"), 80, 24)) {
      // 26 jobs; 24 lines less the cursor's: the header, 21 rows and the line for the other 5.
      String before = tmux.awaitText("… and 5 more", SCREEN);
      assertThat(before).contains(quick.get(24).id()).doesNotContain(waiting.id());

      service.gates().open(gate);

      String after = tmux.awaitText(waiting.id(), SCREEN);
      assertThat(after).contains("… and 5 more");
      assertThat(Tmux.occurrences(after, "STATUS")).as(after).isEqualTo(1);
      assertFits(after, 80);
      assertThat(after.lines().filter(l -> l.startsWith("job_")).count()).as(after).isEqualTo(21);

      tmux.ctrlC();

      tmux.awaitText("[exited 130]", SCREEN);
    }
  }

  @Test
  void progress_shows_as_it_is_reported_though_no_event_comes_with_it() {
    String first = unique();
    String second = unique();
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell(
                        "echo '{\"percent\": 10, \"message\": \"epoch 1/10\"}' >"
                            + " \"$JOBKIT_PROGRESS_FILE\"; "
                            + service.gates().script(first)
                            + "; echo '{\"percent\": 60, \"message\": \"epoch 6/10\"}' >"
                            + " \"$JOBKIT_PROGRESS_FILE\"; "
                            + service.gates().script(second))
                    .displayName(first + "-reports")
                    .build());
    client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, SCREEN);
    try (Tmux tmux =
        Tmux.start(fixture.env(), Jobkit.commandLine("job", "list", "--name", first, "-w"))) {
      String shown = tmux.awaitText("10% epoch 1/10", SCREEN);
      assertThat(shown).contains("ELAPSED").contains("PROGRESS").contains(job.id());

      service.gates().open(first);

      String later = tmux.awaitText("60% epoch 6/10", SCREEN);
      assertThat(Tmux.occurrences(later, "PROGRESS")).as(later).isEqualTo(1);
      service.gates().open(second);
    }
  }

  @Test
  void without_a_terminal_the_table_comes_once_then_a_line_for_each_job_that_changes() {
    String gate = unique();
    String newGate = unique();
    Job running = gated(gate + "-running-before", gate, "20");
    try (Tmux tmux =
        Tmux.start(
            fixture.env(),
            Jobkit.commandLine("job", "list", "--name", gate, "--watch") + " | cat")) {
      // The header comes after the watch has subscribed: what happens from here is seen.
      tmux.awaitText("ELAPSED", SCREEN);
      Job later = gated(gate + "-submitted-later", newGate, "30");

      tmux.awaitText(later.id(), SCREEN);
      service.gates().open(gate);
      String screen = tmux.awaitText("SUCCEEDED", SCREEN);

      List<String> lines = screen.lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines.get(0).split("\\s+"))
          .containsExactly("ID", "NAME", "STATUS", "OWNER", "ELAPSED", "PROGRESS", "REASON");
      assertThat(Tmux.occurrences(screen, "ELAPSED")).isEqualTo(1);
      // The table: the one running job; then a row for the job submitted, one for the one ended.
      assertThat(lines.get(1)).startsWith(running.id()).contains("RUNNING").contains("20%");
      assertThat(lines.get(2)).startsWith(later.id());
      assertThat(lines.get(lines.size() - 1)).startsWith(running.id()).contains("SUCCEEDED");
      assertThat(lines).allSatisfy(l -> assertThat(l).matches("(ID|job_).*"));
      assertThat(screen).doesNotContain("\u001B[");
      service.gates().open(newGate);
    }
  }

  /** Each line of the table as the terminal shows it, wrapped ones joined, fits {@code columns}. */
  private static void assertFits(String screen, int columns) {
    List<String> table =
        screen.lines().filter(l -> l.startsWith("ID ") || l.startsWith("job_")).toList();
    assertThat(table).as(screen).isNotEmpty();
    assertThat(table)
        .as(screen)
        .allSatisfy(
            line ->
                assertThat(line.stripTrailing().codePointCount(0, line.stripTrailing().length()))
                    .isLessThanOrEqualTo(columns));
  }
}
