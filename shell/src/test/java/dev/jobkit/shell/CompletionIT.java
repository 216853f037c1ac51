package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import dev.jobkit.shell.support.Tmux;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tab in a real terminal (tmux) for the values that come from the service: a job typed by its name
 * becomes its id, {@code --owner} proposes {@code me} and the user's own name, and {@code --status}
 * proposes the lowercase aliases as well as the names. What completion proposes where is unit
 * tested in {@code CompletionsTest}.
 */
class CompletionIT {

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

  /** A shell connected as the class's user (the first command waits for the connection). */
  private static Tmux connectedShell() {
    Tmux tmux = fixture.interactive();
    // Completion never starts a connection: a command does.
    tmux.line("me");
    tmux.awaitText(service.userName() + " (user", SCREEN);
    return tmux;
  }

  @Test
  void a_job_typed_by_its_name_where_an_id_goes_becomes_its_id() {
    String name = "nightly-etl-" + UUID.randomUUID().toString().substring(0, 6);
    Job job = client.jobs().submit(JobSpec.builder().command("true").displayName(name).build());
    try (Tmux tmux = connectedShell()) {
      tmux.type("job get " + name.substring(0, 15)).tab();

      tmux.awaitText("jobkit> job get " + job.id(), SCREEN);
    }
  }

  @Test
  void owner_proposes_me_and_the_users_own_name() {
    try (Tmux tmux = connectedShell()) {
      tmux.type("job list --owner ").tab();

      String screen = tmux.awaitText("you", SCREEN);
      assertThat(screen).contains("me").contains(service.userName());
    }
  }

  @Test
  void status_proposes_the_lowercase_aliases_and_the_names() {
    try (Tmux tmux = connectedShell()) {
      tmux.type("job list --status ru").tab();

      String screen = tmux.awaitText("run_timeout", SCREEN);
      assertThat(screen).contains("running").contains("run_error");
    }
  }

  /**
   * What the script of {@code jobkit completion bash}, sourced in a bash, puts in COMPREPLY for
   * {@code words} (the last is the one being typed), its {@code jobkit} the packaged shell.
   */
  private static java.util.List<String> bashProposes(String... words) throws Exception {
    Jobkit.Result script = Jobkit.run(Jobkit.env(service, home), "completion", "bash");
    assertThat(script.exitCode()).as(script.toString()).isZero();
    Path file = java.nio.file.Files.writeString(home.resolve("jobkit.bash"), script.out());
    StringBuilder quoted = new StringBuilder();
    for (String w : words) {
      quoted.append(" ").append(Tmux.quote(w));
    }
    String snippet =
        "jobkit() { "
            + Jobkit.commandLine()
            + " \"$@\"; }; source "
            + Tmux.quote(file.toString())
            + "; complete -p jobkit >/dev/null || exit 9; COMP_WORDS=("
            + quoted
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; _jobkit; printf '%s\\n' \"${COMPREPLY[@]}\"";
    ProcessBuilder bash = new ProcessBuilder("bash", "-c", snippet);
    bash.environment().putAll(Jobkit.env(service, home));
    // Tab waits 2 s for the service by default; a machine busy with other test classes can take
    // longer to start the JVM's connection, which is not what is tested here.
    bash.environment().put("JOBKIT_COMPLETION_WAIT", "60s");
    Process p = bash.redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.lines().filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void the_bash_script_proposes_job_subcommands_and_asks_the_shell_for_values() throws Exception {
    Job job =
        client.jobs().submit(JobSpec.builder().command("true").displayName("bash-tab").build());

    assertThat(bashProposes("jobkit", "job", ""))
        .contains("submit", "list", "get", "stop", "delete", "logs", "watch");
    // bash's compgen keeps the proposals that start with the word as typed, case and all.
    assertThat(bashProposes("jobkit", "job", "list", "--status", "ru"))
        .contains("running", "run_done");
    assertThat(bashProposes("jobkit", "job", "list", "--status", "RU"))
        .contains("RUNNING", "RUN_DONE");
    assertThat(bashProposes("jobkit", "job", "get", "")).contains(job.id());
  }

  @Test
  void the_scripts_are_valid_bash_and_zsh() throws Exception {
    Jobkit.Result bash = Jobkit.run(Jobkit.env(service, home), "completion", "bash");
    Jobkit.Result zsh = Jobkit.run(Jobkit.env(service, home), "completion", "zsh");
    Jobkit.Result other = Jobkit.run(Jobkit.env(service, home), "completion", "fish");
    assertThat(other.exitCode()).as(other.toString()).isEqualTo(2);
    assertThat(other.err()).contains("no completion for 'fish'");
    Path bashFile = java.nio.file.Files.writeString(home.resolve("check.bash"), bash.out());
    assertThat(new ProcessBuilder("bash", "-n", bashFile.toString()).inheritIO().start().waitFor())
        .isZero();
    boolean zshInstalled = new ProcessBuilder("sh", "-c", "command -v zsh").start().waitFor() == 0;
    org.junit.jupiter.api.Assumptions.assumeTrue(
        zshInstalled, "zsh is not installed here: the zsh script's syntax is not checked");
    Path zshFile = java.nio.file.Files.writeString(home.resolve("_jobkit"), zsh.out());
    assertThat(new ProcessBuilder("zsh", "-n", zshFile.toString()).inheritIO().start().waitFor())
        .isZero();
  }
}
