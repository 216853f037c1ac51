package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.RecordingBrowser;
import dev.jobkit.shell.support.ShellFixture;
import dev.jobkit.shell.support.Tmux;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code job terminal}: the packaged shell attached in a real terminal (tmux) to a running pod's
 * shell, which answers what is typed there; {@code --url} and {@code --browser}; and the refusals.
 */
class JobTerminalCommandIT {

  private static final Duration SCREEN = ShellFixture.SCREEN;

  private static final RecordingBrowser BROWSER = RecordingBrowser.create();

  @RegisterExtension
  static final ShellFixture shell =
      ShellFixture.create("NO_COLOR", "1", "BROWSER", BROWSER.command());

  @Test
  void attaches_this_terminal_to_the_pods_shell_until_it_exits() {
    Job job = shell.sleeper("terminal-attach");

    try (Tmux tmux = Tmux.start(shell.env(), Jobkit.commandLine("job", "terminal", job.id()))) {
      tmux.awaitText("Ctrl-] leaves it", SCREEN);
      tmux.line("echo \"id=$JOBKIT_JOB_ID\"");
      tmux.awaitText("id=" + job.id(), SCREEN);
      // Typed characters reach the pod's shell one by one and its line editing answers them: a
      // Ctrl-C there ends the line being typed, not this command.
      tmux.type("echo never");
      tmux.awaitText("echo never", SCREEN);
      tmux.ctrlC();
      tmux.awaitText("never^C", SCREEN);
      tmux.line("echo \"pwd=$(pwd)\"");
      String screen = tmux.awaitText("pwd=/", SCREEN);
      assertThat(screen).doesNotContain("never\n").contains(job.id());
      tmux.line("exit 3");
      screen = tmux.awaitText("[exited 0]", SCREEN);
      assertThat(screen).contains("[the pod's shell exited 3]");
    }
    assertThat(shell.client().jobs().get(job.id()).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void the_interactive_shell_attaches_and_gets_its_prompt_back() {
    Job job = shell.sleeper("terminal-interactive");

    try (Tmux tmux = shell.interactive()) {
      tmux.line("job terminal " + job.id());
      tmux.awaitText("Ctrl-] leaves it", SCREEN);
      tmux.line("echo inside-$((6*7))");
      tmux.awaitText("inside-42", SCREEN);
      tmux.line("exit");
      tmux.awaitText("[the pod's shell exited 0]", SCREEN);
      // The shell's own line editing works again: a command typed now runs.
      tmux.line("job get " + job.id());
      tmux.awaitText("terminal-interactive", SCREEN);
    }
  }

  @Test
  void ctrl_close_bracket_leaves_the_terminal_and_ends_its_shell() {
    Job job = shell.sleeper("terminal-detach");

    try (Tmux tmux = Tmux.start(shell.env(), Jobkit.commandLine("job", "terminal", job.id()))) {
      tmux.awaitText("Ctrl-] leaves it", SCREEN);
      tmux.line("echo ready-$((6*7))");
      tmux.awaitText("ready-42", SCREEN);
      tmux.key("C-]");
      String screen = tmux.awaitText("[exited 0]", SCREEN);
      assertThat(screen).contains("[left the terminal; its shell was ended]");
    }
  }

  @Test
  void url_prints_a_single_use_address_and_browser_opens_one() throws IOException {
    Job job = shell.sleeper("terminal-url");

    Jobkit.Result url = shell.run("job", "terminal", job.id(), "--url");
    assertThat(url.exitCode()).as(url.err()).isZero();
    String base = shell.service().server().baseUrl().replaceAll("/+$", "");
    assertThat(url.out().strip()).startsWith(base + "/terminal#").doesNotContain("\n");

    Jobkit.Result browser = shell.run("job", "terminal", job.id(), "--browser");
    assertThat(browser.exitCode()).as(browser.err()).isZero();
    String opened = browser.out().lines().findFirst().orElseThrow();
    assertThat(opened).startsWith(base + "/terminal#").isNotEqualTo(url.out().strip());
    assertThat(browser.out()).contains("opened in the browser").contains("within 60 s");
    await().until(() -> BROWSER.opened().contains(opened));
  }

  @Test
  void refuses_without_a_terminal_and_for_a_job_that_does_not_run() {
    Job job = shell.sleeper("terminal-refused");

    Jobkit.Result noTerminal = shell.run("job", "terminal", job.id());
    assertThat(noTerminal.exitCode()).isEqualTo(2);
    assertThat(noTerminal.err())
        .contains("no terminal here")
        .contains("--browser")
        .contains("--url");

    Job done = shell.client().jobs().submit(JobSpec.builder().command("true").build());
    shell.client().jobs().await(done.id(), JobStatus::isTerminal, SCREEN);
    Jobkit.Result ended = shell.run("job", "terminal", done.id(), "--url");
    assertThat(ended.exitCode()).isNotZero();
    assertThat(ended.err()).contains("SUCCEEDED");

    Jobkit.Result both = shell.run("job", "terminal", job.id(), "--url", "--browser");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--browser or --url, not both");
    assertThat(List.of(noTerminal.out(), both.out())).allMatch(String::isEmpty);
  }
}
