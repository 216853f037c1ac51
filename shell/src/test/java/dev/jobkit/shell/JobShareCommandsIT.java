package dev.jobkit.shell;

import static dev.jobkit.shell.support.ShellFixture.SCREEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.shares.Share;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import dev.jobkit.shell.support.Tmux;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code job share}, {@code job share list} and {@code job share revoke} as a user types them: the
 * printed {@code curl} line is run as printed, in a real shell, and reads the job.
 */
class JobShareCommandsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension static final ShellFixture fixture = ShellFixture.create("NO_COLOR", "1");

  private static Jobkit.Result ok(String... args) {
    Jobkit.Result result = fixture.run(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  private static Job endedJob() {
    Job job =
        fixture.client().jobs().submit(JobSpec.builder().shell("echo shared-in-shell").build());
    return fixture.client().jobs().await(job.id(), s -> s.isTerminal(), SCREEN);
  }

  /** Runs {@code line} with {@code sh -c}, as a user pasting it would; its output. */
  private static String sh(String line) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sh", "-c", line).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return "exit " + p.exitValue() + "\n" + out;
  }

  @Test
  void share_prints_a_url_and_a_curl_line_that_reads_the_job_until_it_is_revoked()
      throws Exception {
    Job job = endedJob();

    Jobkit.Result shared = ok("job", "share", job.id(), "--expires", "3d");

    List<String> lines = shared.out().lines().toList();
    assertThat(lines.get(0)).startsWith("shared " + job.id() + " until ").contains(" as shr_");
    String shareId = lines.get(0).substring(lines.get(0).lastIndexOf(' ') + 1);
    String url = lines.get(1).substring("url   ".length());
    String curl = lines.get(2).substring("curl  ".length());
    assertThat(url).contains("/api/v1/jobs/" + job.id() + "?share_token=jks_");
    assertThat(curl)
        .startsWith("curl -fsS -H 'Authorization: Bearer jks_")
        .endsWith(fixture.service().server().baseUrl() + "/api/v1/jobs/" + job.id())
        .doesNotContain("share_token");
    assertThat(shared.out()).contains("shown this once").contains("job share revoke " + shareId);
    Share listed = fixture.client().shares().list(job.id()).get(0);
    assertThat(listed.expiresAt())
        .isBetween(
            Instant.now().plus(Duration.ofDays(3)).minusSeconds(300),
            Instant.now().plus(Duration.ofDays(3)));

    String read = sh(curl);
    assertThat(read).startsWith("exit 0\n").contains("\"id\":\"" + job.id() + "\"");
    assertThat(sh("curl -fsS '" + url + "'")).startsWith("exit 0\n").contains(job.id());

    Jobkit.Result list = ok("job", "share", "list", job.id());
    assertThat(list.out())
        .contains("ID")
        .contains("EXPIRES")
        .contains(shareId)
        .doesNotContain("jks_");
    assertThat(ok("job", "share", "list", job.id(), "-o", "name").out().lines()).contains(shareId);

    assertThat(ok("job", "share", "revoke", shareId).out())
        .isEqualTo("revoked " + shareId + "; its token is refused from now on\n");
    assertThat(sh(curl)).doesNotStartWith("exit 0").contains("401");
    assertThat(ok("job", "share", "list", job.id()).out()).contains("no share tokens");
    Jobkit.Result again = fixture.run("job", "share", "revoke", shareId);
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(3);
  }

  @Test
  void a_wrong_expiry_is_refused_naming_the_option_and_json_carries_the_token() {
    Job job = endedJob();

    Jobkit.Result tooLong = fixture.run("job", "share", job.id(), "--expires", "31d");
    assertThat(tooLong.exitCode()).as(tooLong.toString()).isEqualTo(2);
    assertThat(tooLong.err()).contains("--expires must be at most 30 days");

    JsonNode json = JSON.readTree(ok("job", "share", job.id(), "--json").out());
    assertThat(json.get("token").asString()).startsWith("jks_");
    assertThat(json.get("job_id").asString()).isEqualTo(job.id());
    assertThat(ok("job", "share", job.id(), "-o", "jsonpath={.token}").out().strip())
        .startsWith("jks_");
  }

  @Test
  void in_the_interactive_shell_share_and_list_print_to_the_terminal() {
    Job job = endedJob();
    try (Tmux tmux = fixture.interactive()) {
      tmux.line("job share " + job.id() + " --expires 12h");
      tmux.awaitText("shown this once", SCREEN);
      assertThat(tmux.screen()).contains("curl -fsS -H 'Authorization: Bearer jks_");
      tmux.line("job share list " + job.id());
      tmux.awaitText("EXPIRES", SCREEN);
      assertThat(tmux.screen()).contains("shr_");
    }
  }
}
