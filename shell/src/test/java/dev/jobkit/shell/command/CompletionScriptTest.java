package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.shell.render.Style;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The completion scripts run by the real bash (and zsh, when installed): valid, and proposing the
 * command table's words. Values that come back from {@code jobkit __complete} are in CompletionIT.
 */
class CompletionScriptTest {

  @TempDir Path dir;

  private final CompletionScript script = script();

  private static CompletionScript script() {
    PrintWriter sink = new PrintWriter(new StringWriter());
    Dispatcher dispatcher =
        new Dispatcher(
            new Session(
                null, Path.of("/nonexistent"), Map.of(), sink, sink, Style.plain(), null, false));
    return new CompletionScript(dispatcher.registry(), "test");
  }

  /**
   * What bash's {@code _jobkit} puts in COMPREPLY for {@code words}, the last being the current.
   */
  private List<String> bashProposes(String... words) throws Exception {
    Path file = Files.writeString(dir.resolve("jobkit.bash"), script.bash());
    StringBuilder quoted = new StringBuilder();
    for (String w : words) {
      quoted.append(" '").append(w).append("'");
    }
    String snippet =
        "source '"
            + file
            + "'; complete -p jobkit >/dev/null || exit 9; COMP_WORDS=("
            + quoted
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; _jobkit; printf '%s\\n' \"${COMPREPLY[@]}\"";
    Run run = run("bash", "-c", snippet);
    assertThat(run.code()).as(run.toString()).isZero();
    return run.out().lines().filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void the_bash_script_is_valid_bash() throws Exception {
    Path file = Files.writeString(dir.resolve("jobkit.bash"), script.bash());

    Run run = run("bash", "-n", file.toString());

    assertThat(run.code()).as(run.toString()).isZero();
  }

  @Test
  void bash_proposes_the_job_subcommands_after_job() throws Exception {
    assertThat(bashProposes("jobkit", "job", ""))
        .contains("submit", "list", "get", "stop", "cancel", "delete", "flush", "logs", "watch")
        .doesNotContain("job", "--json");
  }

  @Test
  void bash_proposes_the_first_words_then_completes_a_started_one() throws Exception {
    assertThat(bashProposes("jobkit", ""))
        .contains("job", "user", "service", "status", "help", "version", "completion");
    assertThat(bashProposes("jobkit", "jo")).containsExactly("job");
    assertThat(bashProposes("jobkit", "--no-color", "job", "li")).containsExactly("list");
  }

  @Test
  void bash_proposes_a_commands_options_once_a_dash_is_typed() throws Exception {
    assertThat(bashProposes("jobkit", "job", "list", "--st")).containsExactly("--status");
    assertThat(bashProposes("jobkit", "job", "logs", "job_1", "--pr"))
        .containsExactly("--prefix", "--previous");
    assertThat(bashProposes("jobkit", "job", "cancel", "job_1", "--"))
        .containsExactly("--status", "--name", "--tag", "--owner", "--dry-run", "--yes", "--help");
    assertThat(bashProposes("jobkit", "--")).contains("--server", "--data-dir", "--version");
  }

  @Test
  void bash_proposes_commands_after_help() throws Exception {
    assertThat(bashProposes("jobkit", "help", "job", "")).contains("submit", "list");
  }

  @Test
  void the_zsh_script_is_valid_zsh() throws Exception {
    Assumptions.assumeTrue(
        onPath("zsh"), "zsh is not installed here: the zsh script's syntax is not checked");
    Path file = Files.writeString(dir.resolve("_jobkit"), script.zsh());

    Run run = run("zsh", "-n", file.toString());

    assertThat(run.code()).as(run.toString()).isZero();
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out, err);
  }
}
