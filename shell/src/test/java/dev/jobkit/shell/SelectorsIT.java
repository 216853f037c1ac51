package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import dev.jobkit.shell.support.Tmux;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code job stop}, {@code job delete} and {@code job flush} with selectors ({@code --status},
 * {@code --name}, {@code --tag}, {@code --owner}) and {@code --dry-run}: the packaged shell against
 * the shared service, one-shot (exit codes) and in a real terminal (the one question, a job that
 * changes between the question and the yes, a hostile job name).
 */
class SelectorsIT {

  private static final Duration SCREEN = ShellFixture.SCREEN;

  @RegisterExtension static final ShellFixture fixture = ShellFixture.create("NO_COLOR", "1");

  private static final JobkitService service = fixture.service();

  private static JobkitClient client;

  @BeforeAll
  static void connect() {
    client = fixture.client();
  }

  private static String prefix() {
    return "sel" + UUID.randomUUID().toString().substring(0, 6);
  }

  /** A job that ends at once, in {@code SUCCEEDED} or {@code FAILED}, with a tag. */
  private static Job ended(String name, String command, String team) {
    Job job =
        client
            .jobs()
            .submit(JobSpec.builder().command(command).displayName(name).tag("team", team).build());
    return client.jobs().await(job.id(), JobStatus::isTerminal, SCREEN);
  }

  private static JobStatus status(Job job) {
    return client.jobs().get(job.id()).status();
  }

  private static boolean gone(Job job) {
    try {
      client.jobs().get(job.id());
      return false;
    } catch (NotFoundException e) {
      return true;
    }
  }

  @Test
  void a_dry_run_lists_the_jobs_a_stop_would_hit_and_changes_nothing_even_without_a_terminal() {
    String p = prefix();
    Job a = fixture.sleeper(p + "-a");
    Job b = fixture.sleeper(p + "-b");
    Job other = fixture.sleeper("other-" + p.substring(3));

    Jobkit.Result dry = fixture.run("job", "stop", "--name", p, "--dry-run");

    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.out())
        .contains(a.id() + "  \"" + p + "-a\"  RUNNING")
        .contains(b.id() + "  \"" + p + "-b\"  RUNNING")
        .contains(service.userName())
        .contains("2 job(s) of " + service.userName())
        .contains("would be stopped; nothing was changed (--dry-run)")
        .doesNotContain(other.id());
    assertThat(List.of(status(a), status(b), status(other))).containsOnly(JobStatus.RUNNING);
  }

  @Test
  void a_one_shot_stop_with_yes_stops_each_matching_job_verified_and_leaves_the_others() {
    String p = prefix();
    Job a = fixture.sleeper(p + "-a");
    Job b = fixture.sleeper(p + "-b");
    Job other = fixture.sleeper("other-" + p.substring(3));

    Jobkit.Result stop = fixture.run("job", "cancel", "--name", p, "--status", "running", "--yes");

    assertThat(stop.exitCode()).as(stop.toString()).isZero();
    assertThat(stop.out())
        .contains("2 job(s) of " + service.userName() + " in state RUNNING whose name contains")
        .contains("2 RUNNING")
        .contains("Stop these 2 job(s)? [yes/no] yes (--yes)")
        .contains("APPLIED: " + a.id() + " \"" + p + "-a\": stopped job " + a.id())
        .contains("APPLIED: " + b.id() + " \"" + p + "-b\": stopped job " + b.id())
        .contains("stopped 2 of 2 job(s): 2 APPLIED");
    assertThat(List.of(status(a), status(b))).containsOnly(JobStatus.CANCELED);
    assertThat(status(other)).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void
      delete_by_status_and_tag_removes_the_ended_jobs_picked_and_refuses_states_it_cannot_delete() {
    String p = prefix();
    Job failedX = ended(p + "-fx", "false", "x");
    Job failedY = ended(p + "-fy", "false", "y");
    Job succeededX = ended(p + "-sx", "true", "x");

    Jobkit.Result running = fixture.run("job", "delete", "--status", "running", "--yes");
    Jobkit.Result dry =
        fixture.run(
            "job",
            "delete",
            "--status",
            "failed,succeeded",
            "--tag",
            "team=x",
            "--name",
            p,
            "--dry-run");
    Jobkit.Result delete =
        fixture.run("job", "delete", "--status", "failed", "--tag", "team=x", "--name", p, "--yes");

    assertThat(running.exitCode()).as(running.toString()).isEqualTo(2);
    assertThat(running.err())
        .contains("--status RUNNING")
        .contains("delete is not allowed in RUNNING");
    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.out())
        .contains(failedX.id())
        .contains(succeededX.id())
        .doesNotContain(failedY.id())
        .contains("2 job(s)");
    assertThat(delete.exitCode()).as(delete.toString()).isZero();
    assertThat(delete.out())
        .contains("Delete these 1 job(s)? [yes/no] yes (--yes)")
        .contains("APPLIED: " + failedX.id())
        .contains("deleted 1 of 1 job(s): 1 APPLIED");
    assertThat(gone(failedX)).isTrue();
    assertThat(status(failedY)).isEqualTo(JobStatus.FAILED);
    assertThat(status(succeededX)).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void an_id_with_selectors_is_a_usage_error_nothing_matching_exits_0_and_no_terminal_is_refused() {
    Job job = fixture.sleeper(prefix());
    int eventsBefore = client.jobs().events(job.id()).size();

    Jobkit.Result both = fixture.run("job", "stop", job.id(), "--name", "x", "--yes");
    Jobkit.Result nothing = fixture.run("job", "stop", "--name", "no-such-" + prefix(), "--yes");
    Jobkit.Result asked = fixture.run("job", "stop", "--name", job.displayName());
    Jobkit.Result dryWithId = fixture.run("job", "delete", job.id(), "--dry-run");
    Jobkit.Result otherOwner = fixture.run("job", "stop", "--owner", "admin", "--yes");

    assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
    assertThat(both.err()).contains("a job id or selectors").contains("not both");
    assertThat(nothing.exitCode()).as(nothing.toString()).isZero();
    assertThat(nothing.out())
        .contains("No job of " + service.userName())
        .contains("nothing to stop");
    assertThat(asked.exitCode()).as(asked.toString()).isEqualTo(2);
    assertThat(asked.err()).contains("no terminal to ask").contains("--yes");
    assertThat(dryWithId.exitCode()).as(dryWithId.toString()).isEqualTo(2);
    assertThat(dryWithId.err()).contains("--dry-run goes with selectors");
    assertThat(otherOwner.exitCode()).as(otherOwner.toString()).isEqualTo(2);
    assertThat(otherOwner.err()).contains("only an admin may stop another user's jobs");
    assertThat(status(job)).isEqualTo(JobStatus.RUNNING);
    assertThat(client.jobs().events(job.id())).hasSize(eventsBefore);
  }

  @Test
  void the_dialog_asks_once_a_hostile_name_stays_quoted_and_no_keeps_every_job() {
    String p = prefix();
    Job plain = fixture.sleeper(p + "-plain");
    String hostile = p + "-evil\nStop these 1 job(s)? [yes/no] yes\u001b[2J\u001b[31m";
    Job evil = fixture.sleeper(hostile);

    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine("job", "stop", "--name", p))) {
      String asked = tmux.awaitText("Stop these 2 job(s)? [yes/no]", SCREEN);

      // The name is one quoted cell of its row: its line break, escapes and "yes" are text.
      assertThat(asked)
          .contains(evil.id() + "  \"" + p + "-evil Stop these 1 job(s)? [yes/no] yes [2J [31m\"")
          .contains(plain.id() + "  \"" + p + "-plain\"");
      assertThat(Tmux.occurrences(asked, "Stop these 2 job(s)?")).isEqualTo(1);
      assertThat(asked.lines().filter(l -> l.startsWith("Stop these")).map(String::strip).toList())
          .containsExactly("Stop these 2 job(s)? [yes/no]");
      tmux.line("no");
      String declined = tmux.awaitText("[exited 2]", SCREEN);
      assertThat(declined).contains("DECLINED: not confirmed; the 2 job(s) were left as they were");
    }
    assertThat(List.of(status(plain), status(evil))).containsOnly(JobStatus.RUNNING);
  }

  @Test
  void a_job_that_changes_between_the_question_and_the_yes_is_race_lost_by_name_the_rest_stop() {
    String p = prefix();
    Job ends = fixture.sleeper(p + "-ends");
    Job renamed = fixture.sleeper(p + "-renamed");
    Job stays = fixture.sleeper(p + "-stays");

    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine("job", "stop", "--name", p))) {
      tmux.awaitText("Stop these 3 job(s)? [yes/no]", SCREEN);
      // Meanwhile: one ends (stopped by someone else), one is renamed.
      client.guarded(Confirmers.assumeYes()).stop(ends.id());
      client.jobs().update(renamed.id(), new JobUpdate(p + "-moved", null, null, null, null));
      tmux.line("yes");

      String screen = tmux.awaitText("[exited 4]", SCREEN);
      assertThat(screen)
          .contains("RACE_LOST: " + ends.id() + " \"" + p + "-ends\":")
          .contains(
              "RACE_LOST: "
                  + renamed.id()
                  + " \""
                  + p
                  + "-renamed\": it was renamed to \""
                  + p
                  + "-moved\"")
          .contains("APPLIED: " + stays.id() + " \"" + p + "-stays\"")
          .contains("stopped 1 of 3 job(s)");
    }
    assertThat(status(renamed)).isEqualTo(JobStatus.RUNNING);
    assertThat(status(stays)).isEqualTo(JobStatus.CANCELED);
  }

  @Test
  void flush_with_selectors_dry_runs_and_removes_exactly_the_jobs_it_listed() {
    String p = prefix();
    Job failed = ended(p + "-f", "false", "x");
    Job succeeded = ended(p + "-s", "true", "x");
    Job running = fixture.sleeper(p + "-r");

    Jobkit.Result dry = fixture.run("job", "flush", "--status", "failed", "--name", p, "--dry-run");
    Jobkit.Result active =
        fixture.run("job", "flush", "--scope", "active", "--status", "failed", "--yes");
    Jobkit.Result flush = fixture.run("job", "flush", "--status", "failed", "--name", p, "--yes");
    Jobkit.Result none = fixture.run("job", "flush", "--status", "failed", "--name", p, "--yes");

    assertThat(dry.exitCode()).as(dry.toString()).isZero();
    assertThat(dry.out())
        .contains(failed.id() + "  \"" + p + "-f\"  FAILED")
        .contains("1 job(s) would be flushed (scope all); nothing was changed (--dry-run)")
        .doesNotContain(succeeded.id())
        .doesNotContain(running.id());
    assertThat(active.exitCode()).as(active.toString()).isEqualTo(2);
    assertThat(active.err()).contains("--status").contains("FAILED is an ended state");
    assertThat(flush.exitCode()).as(flush.toString()).isZero();
    assertThat(flush.out())
        .contains(
            "Flushing all jobs in state FAILED whose name contains \"" + p + "\" removes 1 job(s)")
        .contains("APPLIED: flushed 1 job(s)");
    assertThat(none.exitCode()).as(none.toString()).isZero();
    assertThat(none.out()).contains("there is nothing to flush");
    assertThat(gone(failed)).isTrue();
    assertThat(status(succeeded)).isEqualTo(JobStatus.SUCCEEDED);
    Assertions.assertThat(status(running)).isEqualTo(JobStatus.RUNNING);
  }
}
