package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import dev.jobkit.shell.support.Tmux;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged shell against a real service: interactively in a real terminal (tmux), and one-shot
 * as scripts run it (no terminal, exit codes). The shell signs in as the class's user on the test
 * JVM's shared service.
 */
class ShellIT {

  private static final Duration SCREEN = ShellFixture.SCREEN;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension static final ShellFixture fixture = ShellFixture.create();

  private static final JobkitService service = fixture.service();

  private static JobkitClient client;
  private static Path home;

  @BeforeAll
  static void connect() {
    client = fixture.client();
    home = fixture.home();
  }

  @Test
  void the_prompt_appears_and_a_job_submitted_there_shows_in_the_list() {
    try (Tmux tmux = fixture.interactive()) {
      String name = "listed-" + UUID.randomUUID().toString().substring(0, 6);
      tmux.line("job submit --name " + name + " sleep 300");
      tmux.awaitText("submitted job_", SCREEN);
      String id = tmux.find("submitted (job_[a-z0-9]+)", null);

      tmux.line("job list");

      String screen = tmux.awaitCount(id, 2, SCREEN);
      assertThat(screen).contains(name);
      assertThat(client.jobs().get(id).displayName()).isEqualTo(name);
    }
  }

  @Test
  void stop_asks_first_and_no_leaves_the_job_running_and_yes_ends_it_canceled() {
    Job job = fixture.sleeper("stop-me");
    try (Tmux tmux = fixture.interactive()) {
      tmux.line("job stop " + job.id());
      String asked = tmux.awaitText("Stop it? [yes/no]", SCREEN);
      assertThat(asked)
          .contains(
              "Job " + job.id() + " \"stop-me\" (owner " + service.userName() + ", submitted ");
      tmux.line("no");
      tmux.awaitText("DECLINED", SCREEN);
      assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.RUNNING);

      tmux.line("job cancel " + job.id());
      tmux.awaitCount("Stop it? [yes/no]", 2, SCREEN);
      tmux.line("yes");

      String screen = tmux.awaitText("APPLIED", SCREEN);
      assertThat(screen).contains("CANCELED, verified");
      assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.CANCELED);
    }
  }

  @Test
  void a_one_shot_stop_in_a_terminal_asks_too_and_exits_0_after_yes() {
    Job job = fixture.sleeper("one-shot-asked");
    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine("job", "stop", job.id()))) {
      tmux.awaitText("Stop it? [yes/no]", SCREEN);
      tmux.line("yes");
      tmux.awaitText("[exited 0]", SCREEN);
    }
    assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.CANCELED);
  }

  @Test
  void a_one_shot_stop_with_yes_runs_without_a_terminal_and_exits_0() {
    Job job = fixture.sleeper("one-shot-yes");

    Jobkit.Result result = Jobkit.run(fixture.env(), "job", "stop", job.id(), "--yes");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("yes (--yes)").contains("APPLIED");
    assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.CANCELED);
  }

  @Test
  void without_a_terminal_and_without_yes_a_stop_is_refused_with_exit_code_2_and_nothing_sent() {
    Job job = fixture.sleeper("not-without-yes");
    int eventsBefore = client.jobs().events(job.id()).size();

    Jobkit.Result result = Jobkit.run(fixture.env(), "job", "stop", job.id());

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).contains("no terminal to ask").contains("--yes");
    assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.RUNNING);
    assertThat(client.jobs().events(job.id())).hasSize(eventsBefore);
  }

  @Test
  void json_output_of_list_get_and_events_parses() {
    Job job = fixture.sleeper("json-" + UUID.randomUUID().toString().substring(0, 6));

    Jobkit.Result list = Jobkit.run(fixture.env(), "job", "list", "--status", "running", "--json");
    Jobkit.Result get = Jobkit.run(fixture.env(), "job", "get", job.id(), "--json");
    Jobkit.Result events = Jobkit.run(fixture.env(), "job", "events", job.id(), "--json");

    assertThat(list.exitCode()).as(list.toString()).isZero();
    JsonNode jobs = JSON.readTree(list.out());
    assertThat(jobs.isArray()).isTrue();
    assertThat(jobs.valueStream().map(j -> j.get("id").asString()).toList()).contains(job.id());
    assertThat(jobs.valueStream().map(j -> j.get("status").asString()).distinct().toList())
        .containsOnly("RUNNING");
    JsonNode one = JSON.readTree(get.out());
    assertThat(one.get("display_name").asString()).isEqualTo(job.displayName());
    assertThat(one.get("created_at").asString()).endsWith("Z");
    JsonNode history = JSON.readTree(events.out());
    assertThat(history.valueStream().map(e -> e.get("to_status").asString()).toList())
        .contains("QUEUED", "RUNNING");
  }

  @Test
  void events_show_a_rename_with_both_names_quoted_and_a_stop_prompt_shows_the_old_name() {
    Job job = fixture.sleeper("prod-db-migration");
    client.jobs().update(job.id(), new JobUpdate("tmp-scratch-test\nsafe", null, null, null, null));

    Jobkit.Result events = Jobkit.run(fixture.env(), "job", "events", job.id());
    Jobkit.Result json = Jobkit.run(fixture.env(), "job", "events", job.id(), "--json");
    Jobkit.Result stop = Jobkit.run(fixture.env(), "job", "stop", job.id(), "--yes");

    assertThat(events.exitCode()).as(events.toString()).isZero();
    assertThat(events.out())
        .contains("CLAIMED -> RUNNING")
        .contains("renamed \"prod-db-migration\" → \"tmp-scratch-test safe\"");
    JsonNode history = JSON.readTree(json.out());
    assertThat(history.valueStream().map(e -> e.get("kind").asString()).toList())
        .contains("transition", "renamed");
    assertThat(stop.out())
        .contains("\"tmp-scratch-test safe\" (owner " + service.userName() + ", submitted ")
        .contains("; renamed from \"prod-db-migration\" ");
  }

  @Test
  void tab_completion_offers_the_ids_of_jobs() {
    Job first = client.jobs().submit(JobSpec.builder().command("true").displayName("a").build());
    Job second = client.jobs().submit(JobSpec.builder().command("true").displayName("b").build());
    try (Tmux tmux = fixture.interactive()) {
      // The first command waits for the connection; completion never starts one.
      tmux.line("me");
      tmux.awaitText(service.userName() + " (user", SCREEN);

      tmux.type("job get ").tab().tab();

      String screen = tmux.awaitText(first.id(), SCREEN);
      assertThat(screen).contains(second.id());
    }
  }

  @Test
  void one_shot_exit_codes_say_what_went_wrong() {
    Job running = fixture.sleeper("exit-codes");

    Jobkit.Result notFound =
        Jobkit.run(fixture.env(), "job", "get", "job_01nosuchjob000000000000000");
    Jobkit.Result deleteNotFound =
        Jobkit.run(fixture.env(), "job", "delete", "job_01nosuchjob000000000000000", "--yes");
    Jobkit.Result unknownOption = Jobkit.run(fixture.env(), "job", "list", "--colour");
    Jobkit.Result badStatus = Jobkit.run(fixture.env(), "job", "list", "--status", "sleepy");
    Jobkit.Result active = Jobkit.run(fixture.env(), "job", "delete", running.id(), "--yes");
    Jobkit.Result unreachable =
        Jobkit.run(
            Map.of("JOBKIT_URL", "http://127.0.0.1:9", "JOBKIT_HOME", home.toString()),
            "job",
            "list");

    assertThat(notFound.exitCode()).as(notFound.toString()).isEqualTo(3);
    assertThat(deleteNotFound.exitCode()).as(deleteNotFound.toString()).isEqualTo(3);
    assertThat(deleteNotFound.out())
        .contains("NOT_FOUND: there is no job job_01nosuchjob000000000000000");
    assertThat(unknownOption.exitCode()).as(unknownOption.toString()).isEqualTo(2);
    assertThat(unknownOption.err()).contains("unknown option '--colour'");
    assertThat(badStatus.exitCode()).as(badStatus.toString()).isEqualTo(2);
    assertThat(badStatus.err()).contains("unknown job status 'sleepy'");
    assertThat(active.exitCode()).as(active.toString()).isEqualTo(4);
    assertThat(active.out()).contains("NOT_ALLOWED_IN_STATE");
    assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(5);
    for (Jobkit.Result r :
        List.of(notFound, deleteNotFound, unknownOption, badStatus, active, unreachable)) {
      assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void submit_with_wait_follows_the_job_to_its_end_and_exits_with_its_outcome() {
    Jobkit.Result ok =
        Jobkit.run(
            fixture.env(),
            "job",
            "submit",
            "--wait",
            "--name",
            "waited",
            "--",
            "sh",
            "-c",
            "echo hi");
    Jobkit.Result failed =
        Jobkit.run(fixture.env(), "job", "submit", "--wait", "--shell", "exit 3");

    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.out()).contains("RUNNING -> SUCCEEDED").contains("ended SUCCEEDED");
    // The job's own exit code, as srun passes it through.
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(3);
    assertThat(failed.out()).contains("ended FAILED");
  }

  @Test
  void logs_follow_prints_the_output_until_the_job_ends() {
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell("for i in 1 2 3; do echo line $i; sleep 0.2; done")
                    .displayName("follow")
                    .build());

    Jobkit.Result follow = Jobkit.run(fixture.env(), "job", "logs", job.id(), "--follow");

    assertThat(follow.exitCode()).as(follow.toString()).isZero();
    assertThat(follow.out()).contains("line 1\nline 2\nline 3\n").contains("-- job SUCCEEDED --");
  }

  @Test
  void watch_shows_a_job_change_live_and_ends_when_the_job_ends() {
    Job job = fixture.sleeper("watched");
    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine("job", "watch", job.id()))) {
      tmux.awaitText("watching " + job.id(), SCREEN);

      client.guarded(Confirmers.assumeYes()).stop(job.id());

      // A watched job that did not succeed makes the watch exit 1, as kubectl wait fails.
      String screen = tmux.awaitText("[exited 1]", SCREEN);
      assertThat(screen).contains("CANCELED");
    }
  }

  @Test
  void watch_of_a_job_that_fails_shows_every_transition_to_failed_and_exits_1() {
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell(service.gates().script("fails") + "; exit 3")
                    .displayName("fails")
                    .build());
    client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, SCREEN);
    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine("job", "watch", job.id()))) {
      tmux.awaitText("watching " + job.id(), SCREEN);

      service.gates().open("fails");

      // It ends at RUN_ERROR -> FAILED, not at the first event read once the job had failed
      // (RUNNING -> RUN_ERROR, when it exited 0 showing the job's last state).
      String screen = tmux.awaitText("[exited 1]", SCREEN);
      assertThat(screen).contains("FAILED");
    }
  }

  @Test
  void at_80_columns_watch_redraws_its_table_in_place_with_one_header_while_two_jobs_change() {
    Job first = fixture.sleeper("watched-at-80-columns-with-a-name-longer-than-the-room-left");
    Job second = fixture.sleeper("also-watched-at-80-columns-with-a-name-longer-than-the-room");
    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine("job", "watch"), 80, 24)) {
      tmux.awaitText("watching all jobs", SCREEN);

      client.guarded(Confirmers.assumeYes()).stop(first.id());
      tmux.awaitText(first.id(), SCREEN);
      client.guarded(Confirmers.assumeYes()).stop(second.id());

      String screen = tmux.awaitCount("CANCELED", 2, SCREEN);
      assertThat(screen).contains(first.id()).contains(second.id());
      assertNoLineWiderThan(screen, 80);
      assertThat(Tmux.occurrences(screen, "STATUS")).as(screen).isEqualTo(1);
    }
  }

  @Test
  void at_80_columns_job_list_fits_each_line_with_long_names_cut_short() {
    Job first = fixture.sleeper("listed-at-80-columns-with-a-name-longer-than-the-room-left");
    Job second = fixture.sleeper("also-listed-at-80-columns-with-a-name-longer-than-the-room");
    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine(), 80, 24)) {
      tmux.awaitText("jobkit>", SCREEN);

      tmux.line("job list");

      String screen = tmux.awaitCount("RUNNING", 2, SCREEN);
      assertThat(screen).contains(first.id()).contains(second.id()).contains("…");
      assertThat(screen).doesNotContain(first.displayName());
      assertNoLineWiderThan(screen, 80);
      assertThat(Tmux.occurrences(screen, "STATUS")).as(screen).isEqualTo(1);
    }
  }

  @Test
  void at_80_columns_job_get_wraps_a_long_command_under_its_column_and_loses_none_of_it() {
    String command =
        "echo preparing the data set for the nightly training run of the vision model"
            + " && sleep 300 && echo --the-last-words-of-it";
    Job job =
        client.jobs().submit(JobSpec.builder().shell(command).displayName("long-command").build());
    try (Tmux tmux =
        Tmux.start(fixture.env(), Jobkit.commandLine("job", "get", job.id()), 80, 24)) {
      String screen = tmux.awaitText("[exited 0]", SCREEN);

      List<String> lines = screen.lines().filter(l -> !l.startsWith("[exited")).toList();
      assertThat(lines)
          .as(screen)
          .allSatisfy(l -> assertThat(l.stripTrailing().length()).isLessThanOrEqualTo(80));
      assertThat(screen).contains("--the-last-words-of-it").doesNotContain("…");
      // The lines after the first go on under the value, not under the key.
      String run = lines.stream().filter(l -> l.startsWith("run ")).findFirst().orElseThrow();
      int value = run.indexOf("sh -c");
      String next = lines.get(lines.indexOf(run) + 1);
      assertThat(next).as(screen).startsWith(" ".repeat(value));
      assertThat(next.charAt(value)).as(screen).isNotEqualTo(' ');
    }
  }

  /**
   * Each line of a table (its header, its rows) as the terminal shows it, wrapped ones joined
   * again, fits in {@code columns}. The shell's greeting is prose, not a table: it may wrap.
   */
  private static void assertNoLineWiderThan(String screen, int columns) {
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

  @Test
  void summary_counts_the_jobs_by_status_and_owner_and_shows_the_slots() {
    Job running = fixture.sleeper("summed");
    Job done = client.jobs().submit(JobSpec.builder().command("true").build());
    client.jobs().await(done.id(), JobStatus::isTerminal, SCREEN);

    Jobkit.Result summary = Jobkit.run(fixture.env(), "job", "summary", "--since", "1h");
    Jobkit.Result json = Jobkit.run(fixture.env(), "job", "summary", "--json");

    assertThat(summary.exitCode()).as(summary.toString()).isZero();
    assertThat(summary.out())
        .containsPattern("RUNNING +\\d+")
        .containsPattern("SUCCEEDED +\\d+")
        .containsPattern(service.userName() + " +\\d+ +\\d+")
        .containsPattern("slots: \\d+ of " + JobkitService.SHARED_SLOTS + " in use");
    JsonNode tree = JSON.readTree(json.out());
    assertThat(tree.get("by_status").get("RUNNING").asInt()).isPositive();
    assertThat(tree.get("by_owner").get(service.userName()).get("active").asInt()).isPositive();
    assertThat(running.status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void api_key_before_the_command_acts_as_that_keys_user() {
    Api other = service.newUser("keyed", "parallel");

    Jobkit.Result me = Jobkit.run(fixture.env(), "--api-key", other.key(), "me");
    Jobkit.Result empty = Jobkit.run(fixture.env(), "--api-key=", "me");

    assertThat(me.exitCode()).as(me.toString()).isZero();
    assertThat(me.out()).contains(other.name());
    assertThat(empty.exitCode()).as(empty.toString()).isEqualTo(2);
    assertThat(empty.err()).contains("--api-key needs a key");
  }

  @Test
  void a_named_context_connects_for_one_command_or_from_now_on() {
    // No JOBKIT_URL and no key: only the context says where and as whom.
    Map<String, String> bare = Map.of("JOBKIT_HOME", home.resolve("contexts").toString());
    Jobkit.Result set =
        Jobkit.run(
            bare,
            "context",
            "set",
            "test",
            "--server",
            service.server().baseUrl(),
            "--api-key",
            service.userKey());
    Jobkit.Result once = Jobkit.run(bare, "--context", "test", "me");
    Jobkit.Result use = Jobkit.run(bare, "context", "use", "test");
    Jobkit.Result me = Jobkit.run(bare, "me");
    Jobkit.Result list = Jobkit.run(bare, "context", "list");
    Jobkit.Result wrong = Jobkit.run(bare, "--context", "tset", "me");

    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThat(once.out()).as(once.toString()).contains(service.userName());
    assertThat(use.exitCode()).as(use.toString()).isZero();
    assertThat(me.out()).as(me.toString()).contains(service.userName());
    assertThat(list.out())
        .as(list.toString())
        .containsPattern("\\* +test +" + service.server().baseUrl());
    assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(2);
    assertThat(wrong.err()).contains("no context 'tset'").contains("there are: test");
  }

  @Test
  void logs_tail_counts_lines_and_tail_chars_characters() {
    Job job =
        client.jobs().submit(JobSpec.builder().shell("printf 'one\\ntwo\\nthree\\n'").build());
    client.jobs().await(job.id(), JobStatus::isTerminal, SCREEN);

    Jobkit.Result lines = Jobkit.run(fixture.env(), "job", "logs", job.id(), "--tail", "2");
    Jobkit.Result chars = Jobkit.run(fixture.env(), "job", "logs", job.id(), "--tail-chars", "6");

    assertThat(lines.out()).as(lines.toString()).isEqualTo("two\nthree\n");
    assertThat(chars.out()).as(chars.toString()).isEqualTo("three\n");
  }

  @Test
  void logs_with_tail_0_print_nothing_of_the_log_so_far() {
    Job job = client.jobs().submit(JobSpec.builder().shell("echo already said").build());
    client.jobs().await(job.id(), JobStatus::isTerminal, SCREEN);

    Jobkit.Result none = Jobkit.run(fixture.env(), "job", "logs", job.id(), "--tail", "0");
    Jobkit.Result followed =
        Jobkit.run(fixture.env(), "job", "logs", job.id(), "--tail", "0", "--follow");

    assertThat(none.exitCode()).as(none.toString()).isZero();
    assertThat(none.out()).isEmpty();
    assertThat(followed.exitCode()).as(followed.toString()).isZero();
    assertThat(followed.out()).doesNotContain("already said").contains("-- job SUCCEEDED --");
  }

  @Test
  void logs_follow_of_a_job_that_fails_exits_1_after_its_end() {
    Job job = client.jobs().submit(JobSpec.builder().shell("echo last words; exit 3").build());

    Jobkit.Result follow = Jobkit.run(fixture.env(), "job", "logs", job.id(), "--follow");

    assertThat(follow.exitCode()).as(follow.toString()).isEqualTo(1);
    assertThat(follow.out()).contains("last words").contains("-- job FAILED --");
  }

  @Test
  void flush_with_yes_stops_and_removes_the_active_jobs_and_verifies_it() {
    Job job = fixture.sleeper("flushed");

    Jobkit.Result flush = Jobkit.run(fixture.env(), "job", "flush", "--yes");

    assertThat(flush.exitCode()).as(flush.toString()).isZero();
    assertThat(flush.out())
        .contains(job.id())
        .contains("APPLIED: flushed")
        .containsPattern(
            "flush flush_\\w+ succeeded: matched \\d+, stopped \\d+, removed \\d+ \\(\\d+ model\\(s\\), \\d+ result\\(s\\)\\), skipped 0");
    Jobkit.Result gone = Jobkit.run(fixture.env(), "job", "get", job.id());
    assertThat(gone.exitCode()).isEqualTo(3);
  }

  @Test
  void version_prints_the_shells_version_and_java_and_starts_no_service(@TempDir Path fresh) {
    // No URL and a data dir without a service: anything that connected would start one.
    Map<String, String> alone = Map.of("JOBKIT_HOME", fresh.toString());

    for (String word : List.of("--version", "version")) {
      Jobkit.Result r = Jobkit.run(alone, word);

      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out().lines().toList())
          .as(r.toString())
          .hasSize(2)
          .satisfies(lines -> assertThat(lines.get(0)).matches("jobkit \\d+\\.\\d+\\.\\d+.*"))
          .satisfies(
              lines -> assertThat(lines.get(1)).startsWith("Java " + Runtime.version().feature()));
      assertThat(r.err()).isEmpty();
    }
    assertThat(fresh.resolve("service.properties")).doesNotExist();
  }

  @Test
  void a_mistyped_command_or_option_is_a_usage_error_that_suggests_the_one_meant() {
    Jobkit.Result subcommand = Jobkit.run(fixture.env(), "job", "lsit");
    Jobkit.Result group = Jobkit.run(fixture.env(), "jbo", "list");
    Jobkit.Result option = Jobkit.run(fixture.env(), "job", "list", "--stauts", "running");

    assertThat(subcommand.exitCode()).as(subcommand.toString()).isEqualTo(2);
    assertThat(subcommand.err())
        .contains("error: unknown command 'job lsit'; did you mean 'job list'?");
    assertThat(group.exitCode()).as(group.toString()).isEqualTo(2);
    assertThat(group.err()).contains("error: unknown command 'jbo list'; did you mean 'job list'?");
    assertThat(option.exitCode()).as(option.toString()).isEqualTo(2);
    assertThat(option.err())
        .contains("error: unknown option '--stauts' for 'job list'; did you mean '--status'?");
    for (Jobkit.Result r : List.of(subcommand, group, option)) {
      assertThat(r.out()).isEmpty();
    }
  }
}
