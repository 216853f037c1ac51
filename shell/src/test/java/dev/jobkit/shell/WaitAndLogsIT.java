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
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * What scripts wait on and read: {@code job wait} (its exit codes, {@code --for}, {@code
 * --timeout}), {@code job submit --logs} (the job's output on stdout, the rest on stderr) and
 * {@code job logs} of every pod.
 */
class WaitAndLogsIT {

  private static final Duration SCREEN = ShellFixture.SCREEN;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension static final ShellFixture fixture = ShellFixture.create("NO_COLOR", "1");

  private static final JobkitService service = fixture.service();

  private static JobkitClient client;
  private static Path home;

  @BeforeAll
  static void connect() {
    client = fixture.client();
    home = fixture.home();
  }

  private static String gate() {
    return "gate-" + UUID.randomUUID();
  }

  /** A job that runs until {@code gate} opens, then runs {@code after}. */
  private static Job heldBy(String gate, String after) {
    Job job =
        client
            .jobs()
            .submit(JobSpec.builder().shell(service.gates().script(gate) + "; " + after).build());
    return client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, SCREEN);
  }

  private static CompletableFuture<Jobkit.Result> runAsync(String... args) {
    return CompletableFuture.supplyAsync(() -> Jobkit.run(fixture.env(), args));
  }

  @Test
  void wait_waits_for_the_end_and_exits_with_the_job_s_own_exit_code() {
    String gate = gate();
    Job job = heldBy(gate, "exit 3");
    CompletableFuture<Jobkit.Result> waiting = runAsync("job", "wait", job.id());
    assertThat(waiting).isNotDone();

    service.gates().open(gate);

    Jobkit.Result wait = waiting.join();
    assertThat(wait.exitCode()).as(wait.toString()).isEqualTo(3);
    // Nothing on the way: one line at the end.
    assertThat(wait.out().lines().toList())
        .as(wait.toString())
        .singleElement()
        .asString()
        .startsWith(job.id() + " ended FAILED");
    Jobkit.Result json = Jobkit.run(fixture.env(), "job", "wait", job.id(), "--json");
    assertThat(json.exitCode()).as(json.toString()).isEqualTo(3);
    assertThat(JSON.readTree(json.out()).get("status").asString()).isEqualTo("FAILED");
  }

  @Test
  void wait_for_succeeded_exits_0_and_for_a_state_the_ended_job_is_not_in_exits_1() {
    Job job = client.jobs().submit(JobSpec.builder().shell("true").build());
    client.jobs().await(job.id(), JobStatus::isTerminal, SCREEN);

    Jobkit.Result ended = Jobkit.run(fixture.env(), "job", "wait", job.id());
    Jobkit.Result succeeded =
        Jobkit.run(fixture.env(), "job", "wait", job.id(), "--for", "completed");
    Jobkit.Result running = Jobkit.run(fixture.env(), "job", "wait", job.id(), "--for", "running");
    Jobkit.Result failed = Jobkit.run(fixture.env(), "job", "wait", job.id(), "--for", "failed");
    Jobkit.Result unknown = Jobkit.run(fixture.env(), "job", "wait", job.id(), "--for", "sleepy");
    Jobkit.Result missing =
        Jobkit.run(fixture.env(), "job", "wait", "job_01nosuchjob000000000000000");

    assertThat(ended.exitCode()).as(ended.toString()).isZero();
    assertThat(succeeded.exitCode()).as(succeeded.toString()).isZero();
    assertThat(succeeded.out()).contains(job.id() + " ended SUCCEEDED");
    assertThat(running.exitCode()).as(running.toString()).isEqualTo(1);
    assertThat(running.out()).contains("ended SUCCEEDED, so it will not be RUNNING");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown job status 'sleepy'");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(3);
  }

  @Test
  void wait_for_running_returns_0_while_a_job_held_by_a_gate_runs_on() {
    String gate = gate();
    Job job = client.jobs().submit(JobSpec.builder().shell(service.gates().script(gate)).build());

    Jobkit.Result wait = Jobkit.run(fixture.env(), "job", "wait", job.id(), "--for", "running");

    assertThat(wait.exitCode()).as(wait.toString()).isZero();
    assertThat(wait.out()).contains(job.id() + " is RUNNING");
    assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.RUNNING);
    service.gates().open(gate);
  }

  @Test
  void a_wait_that_times_out_exits_124_and_the_job_goes_on() {
    String gate = gate();
    Job job = heldBy(gate, "true");

    Jobkit.Result wait = Jobkit.run(fixture.env(), "job", "wait", job.id(), "--timeout", "1s");

    assertThat(wait.exitCode()).as(wait.toString()).isEqualTo(124);
    assertThat(wait.out()).isEmpty();
    assertThat(wait.err())
        .contains("timed out after 1s waiting for job " + job.id() + " to end; it is RUNNING");
    assertThat(client.jobs().get(job.id()).status()).isEqualTo(JobStatus.RUNNING);
    service.gates().open(gate);
  }

  @Test
  void submit_with_logs_prints_the_job_s_output_alone_on_stdout_and_exits_with_its_code() {
    Jobkit.Result ok =
        Jobkit.run(fixture.env(), "job", "submit", "--logs", "--shell", "echo one; echo two >&2");
    Jobkit.Result failed =
        Jobkit.run(fixture.env(), "job", "submit", "--logs", "--shell", "echo last words; exit 3");
    Jobkit.Result both = Jobkit.run(fixture.env(), "job", "submit", "--logs", "--json", "true");

    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.out()).as(ok.toString()).isEqualTo("one\ntwo\n");
    assertThat(ok.err()).contains("RUNNING -> SUCCEEDED").contains("ended SUCCEEDED");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(3);
    assertThat(failed.out()).isEqualTo("last words\n");
    assertThat(failed.err()).contains("ended FAILED");
    assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
  }

  @Test
  void submit_with_logs_prints_the_output_as_the_job_runs() {
    String gate = gate();
    String script = "echo before the gate; " + service.gates().script(gate) + "; echo after it";
    try (Tmux tmux =
        Tmux.start(
            fixture.env(), Jobkit.commandLine("job", "submit", "--logs", "--shell", script))) {
      tmux.awaitText("before the gate", SCREEN);
      String id = tmux.find("submitted (job_[a-z0-9]+)", null);
      assertThat(client.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);

      service.gates().open(gate);

      String screen = tmux.awaitText("[exited 0]", SCREEN);
      assertThat(screen).contains("after it").contains("ended SUCCEEDED");
    }
  }

  @Test
  void logs_of_all_pods_print_each_pod_s_lines_with_its_prefix() {
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell("echo hello from $JOBKIT_POD_INDEX; printf 'no line break'")
                    .podCount(2)
                    .build());
    client.jobs().await(job.id(), JobStatus::isTerminal, SCREEN);

    Jobkit.Result prefixed =
        Jobkit.run(fixture.env(), "job", "logs", job.id(), "--all-pods", "--prefix");
    Jobkit.Result plain = Jobkit.run(fixture.env(), "job", "logs", job.id(), "--all-pods");
    Jobkit.Result one =
        Jobkit.run(fixture.env(), "job", "logs", job.id(), "--pod", "1", "--prefix");
    Jobkit.Result both =
        Jobkit.run(fixture.env(), "job", "logs", job.id(), "--pod", "1", "--all-pods");

    assertThat(prefixed.exitCode()).as(prefixed.toString()).isZero();
    assertThat(prefixed.out())
        .isEqualTo(
            "[pod 0] hello from 0\n[pod 0] no line break\n"
                + "[pod 1] hello from 1\n[pod 1] no line break\n");
    assertThat(plain.out()).isEqualTo("hello from 0\nno line break\nhello from 1\nno line break\n");
    assertThat(one.out()).isEqualTo("[pod 1] hello from 1\n[pod 1] no line break\n");
    assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
  }

  @Test
  void logs_of_all_pods_followed_print_whole_prefixed_lines_until_the_job_ends() {
    String gate = gate();
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell(
                        "echo start $JOBKIT_POD_INDEX; "
                            + service.gates().script(gate)
                            + "; echo end $JOBKIT_POD_INDEX")
                    .podCount(2)
                    .build());
    client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, SCREEN);
    CompletableFuture<Jobkit.Result> following =
        runAsync("job", "logs", job.id(), "--all-pods", "--prefix", "--follow");
    assertThat(following).isNotDone();

    service.gates().open(gate);

    Jobkit.Result follow = following.join();
    assertThat(follow.exitCode()).as(follow.toString()).isZero();
    assertThat(follow.out().lines().toList())
        .as(follow.toString())
        .contains("[pod 0] start 0", "[pod 1] start 1", "[pod 0] end 0", "[pod 1] end 1")
        .contains("-- job SUCCEEDED --")
        .hasSize(5);
  }

  @Test
  void logs_of_one_attempt_or_of_the_previous_one_show_only_what_that_attempt_wrote() {
    Job job =
        client
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell(
                        "echo \"attempt $JOBKIT_ATTEMPT line one\";"
                            + " echo \"attempt $JOBKIT_ATTEMPT line two\";"
                            + " [ \"$JOBKIT_ATTEMPT\" -ge 3 ]")
                    .maxAttempts(3)
                    .build());
    Job once = client.jobs().submit(JobSpec.builder().shell("echo only").build());
    client.jobs().await(job.id(), JobStatus::isTerminal, SCREEN);
    client.jobs().await(once.id(), JobStatus::isTerminal, SCREEN);
    String marker = "\\[jobkit\\] attempt 2 of 3 started at \\S+Z\n";

    Jobkit.Result first = fixture.run("job", "logs", job.id(), "--attempt", "1");
    Jobkit.Result previous = fixture.run("job", "logs", job.id(), "--previous");
    Jobkit.Result lastLine = fixture.run("job", "logs", job.id(), "-p", "--tail", "1");
    Jobkit.Result chars =
        fixture.run("job", "logs", job.id(), "--attempt", "3", "--tail-chars", "19");
    Jobkit.Result prefixed =
        fixture.run("job", "logs", job.id(), "--attempt", "1", "--all-pods", "--prefix");
    Jobkit.Result failedAttempt =
        fixture.run("job", "logs", job.id(), "--attempt", "1", "--pod", "0", "--follow");
    Jobkit.Result lastAttempt = fixture.run("job", "logs", job.id(), "--attempt", "3", "-f");

    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).isEqualTo("attempt 1 line one\nattempt 1 line two\n");
    assertThat(previous.exitCode()).as(previous.toString()).isZero();
    assertThat(previous.out()).matches(marker + "attempt 2 line one\nattempt 2 line two\n");
    assertThat(lastLine.out()).isEqualTo("attempt 2 line two\n");
    assertThat(chars.out()).isEqualTo("attempt 3 line two\n");
    assertThat(prefixed.out())
        .isEqualTo("[pod 0] attempt 1 line one\n[pod 0] attempt 1 line two\n");
    // Following an attempt that has ended prints its part and ends at once, with its outcome.
    assertThat(failedAttempt.exitCode()).as(failedAttempt.toString()).isEqualTo(1);
    assertThat(failedAttempt.out())
        .isEqualTo("attempt 1 line one\nattempt 1 line two\n-- attempt 1 RUN_ERROR --\n");
    assertThat(lastAttempt.exitCode()).as(lastAttempt.toString()).isZero();
    assertThat(lastAttempt.out()).endsWith("attempt 3 line two\n-- attempt 3 SUCCEEDED --\n");

    Jobkit.Result follow = fixture.run("job", "logs", job.id(), "--previous", "--follow");
    Jobkit.Result both = fixture.run("job", "logs", job.id(), "--previous", "--attempt", "1");
    Jobkit.Result tooMany = fixture.run("job", "logs", job.id(), "--attempt", "4");
    Jobkit.Result zero = fixture.run("job", "logs", job.id(), "--attempt", "0");
    Jobkit.Result noNumber = fixture.run("job", "logs", job.id(), "--attempt", "last");
    Jobkit.Result onlyOne = fixture.run("job", "logs", once.id(), "--previous");

    assertThat(follow.exitCode()).as(follow.toString()).isEqualTo(2);
    assertThat(follow.err()).contains("--previous is an attempt that has ended");
    assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
    assertThat(both.err()).contains("give --attempt N or --previous, not both");
    assertThat(tooMany.exitCode()).as(tooMany.toString()).isEqualTo(2);
    assertThat(tooMany.err())
        .contains("--attempt: job " + job.id() + " has had 3 attempts")
        .doesNotContain("(attempt)");
    assertThat(zero.exitCode()).as(zero.toString()).isEqualTo(2);
    assertThat(zero.err()).contains("--attempt must be 1 or more");
    assertThat(noNumber.exitCode()).as(noNumber.toString()).isEqualTo(2);
    assertThat(noNumber.err()).contains("--attempt must be a whole number, not 'last'");
    assertThat(onlyOne.exitCode()).as(onlyOne.toString()).isEqualTo(2);
    assertThat(onlyOne.err())
        .contains("job " + once.id() + " has had one attempt, so there is no previous one");
    assertThat(fixture.run("help", "job", "logs").out())
        .contains("--attempt N", "-p, --previous", "kubectl's --previous");
  }
}
