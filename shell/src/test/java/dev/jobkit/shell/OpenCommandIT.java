package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.RecordingBrowser;
import dev.jobkit.shell.support.ShellFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code open} and the console's address in {@code status}: the packaged shell, one-shot, with a
 * {@code $BROWSER} that writes down what it was asked to open.
 */
class OpenCommandIT {

  private static final RecordingBrowser BROWSER = RecordingBrowser.create();

  @RegisterExtension
  static final ShellFixture shell =
      ShellFixture.create("NO_COLOR", "1", "BROWSER", BROWSER.command());

  private static List<String> opened() throws IOException {
    return BROWSER.opened();
  }

  private static String console() {
    return shell.service().server().baseUrl().replaceAll("/+$", "") + "/";
  }

  @Test
  void open_prints_the_console_address_and_opens_it_without_the_key() throws IOException {
    int before = opened().size();

    Jobkit.Result result = shell.run("open");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).startsWith(console() + "\n").contains("opened in the browser");
    await().until(() -> opened().size() > before);
    assertThat(opened().get(before)).isEqualTo(console());
    assertThat(result.out() + opened()).doesNotContain(shell.service().userKey());
  }

  @Test
  void open_with_a_job_id_opens_that_jobs_page_and_an_unknown_id_is_not_found() throws IOException {
    Job job = shell.client().jobs().submit(JobSpec.builder().command("true").build());
    int before = opened().size();

    Jobkit.Result result = shell.run("open", job.id());

    assertThat(result.exitCode()).as(result.err()).isZero();
    String page = console() + "#/jobs/" + job.id();
    assertThat(result.out()).startsWith(page + "\n");
    await().until(() -> opened().contains(page));

    Jobkit.Result unknown = shell.run("open", "job_00000000000000000000000000");
    assertThat(unknown.exitCode()).isEqualTo(3);
    assertThat(unknown.out() + unknown.err()).contains("job_00000000000000000000000000");
    assertThat(opened()).hasSize(before + 1);
  }

  @Test
  void with_no_browser_open_says_to_open_the_address_by_hand() throws IOException {
    Map<String, String> env = new HashMap<>(shell.env());
    env.put("BROWSER", "");
    env.put("PATH", Files.createTempDirectory("jobkit-empty-path-").toString());

    Jobkit.Result result = Jobkit.run(env, "open");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .startsWith(console() + "\n")
        .contains("no browser to open here")
        .contains("open the address above in one");
  }

  @Test
  void status_shows_the_console_address() {
    Jobkit.Result result = shell.run("status");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains("web console: " + console());
  }
}
