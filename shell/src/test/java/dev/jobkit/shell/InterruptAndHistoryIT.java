package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import dev.jobkit.shell.support.Tmux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged shell in a real terminal (tmux) when the person presses Ctrl-C, and what its history
 * keeps: Ctrl-C stops the waiting and never the job, says so without an error, and leaves the next
 * prompt on a line of its own; a one-shot command stopped so exits 130; the answer to a risky
 * action's question is not a history entry.
 */
class InterruptAndHistoryIT {

  private static final Duration SCREEN = ShellFixture.SCREEN;

  @RegisterExtension static final ShellFixture fixture = ShellFixture.create("NO_COLOR", "1");

  private static final JobkitService service = fixture.service();

  private static JobkitClient client;
  private static Path home;

  @BeforeAll
  static void connect() {
    client = fixture.client();
    home = fixture.home();
  }

  @Test
  void ctrl_c_stops_a_watch_and_the_next_prompt_starts_a_line_of_its_own() {
    Job job = fixture.sleeper("watched-then-left");
    try (Tmux tmux = fixture.interactive()) {
      tmux.line("job watch " + job.id());
      tmux.awaitText("watching " + job.id(), SCREEN);

      tmux.ctrlC();

      String screen = tmux.awaitCount("jobkit>", 2, SCREEN);
      assertThat(screen).doesNotContain("^Cjobkit>").doesNotContain("error");
      assertThat(screen.lines().filter(l -> l.startsWith("jobkit>")).count()).isEqualTo(2);
    }
    assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void ctrl_c_during_submit_wait_says_the_job_goes_on_and_prints_no_error() {
    try (Tmux tmux = fixture.interactive()) {
      tmux.line("job submit --wait --name waited-then-left sleep 300");
      tmux.awaitText("-> RUNNING", SCREEN);
      String id = tmux.find("submitted (job_[a-z0-9]+)", null);

      tmux.ctrlC();

      String screen = tmux.awaitText("stopped waiting; job " + id + " goes on", SCREEN);
      tmux.awaitCount("jobkit>", 2, SCREEN);
      assertThat(screen).doesNotContain("error");
      assertThat(client.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
    }
  }

  @Test
  void a_one_shot_watch_stopped_with_ctrl_c_exits_130_and_the_job_goes_on() {
    Job job = fixture.sleeper("one-shot-watched");
    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine("job", "watch", job.id()))) {
      tmux.awaitText("watching " + job.id(), SCREEN);

      tmux.ctrlC();

      tmux.awaitText("[exited 130]", SCREEN);
    }
    assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void the_answer_to_a_question_completes_with_tab_and_is_not_a_history_entry() throws IOException {
    Job job = fixture.sleeper("asked-not-remembered");
    try (Tmux tmux = fixture.interactive()) {
      tmux.line("job stop " + job.id());
      tmux.awaitText("Stop it? [yes/no]", SCREEN);
      // Tab completes the answer, not a command.
      tmux.type("n").tab();
      tmux.awaitText("Stop it? [yes/no] no", SCREEN);
      tmux.enter();
      tmux.awaitText("DECLINED", SCREEN);
      tmux.awaitCount("jobkit>", 2, SCREEN);

      tmux.up();

      // Arrow-up brings back the command, not the answer.
      tmux.awaitCount("jobkit> job stop " + job.id(), 2, SCREEN);
      // Ctrl-C drops the recalled line; the keys that follow go to the next prompt.
      tmux.ctrlC();
      tmux.awaitCount("jobkit>", 3, SCREEN);
      tmux.line("exit");
      tmux.awaitText("[exited 0]", SCREEN);
    }
    List<String> history =
        Files.readAllLines(home.resolve("shell_history")).stream()
            .map(l -> l.substring(l.indexOf(':') + 1))
            .toList();
    assertThat(history).contains("job stop " + job.id()).doesNotContain("no", "yes");
    assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.RUNNING);
  }
}
