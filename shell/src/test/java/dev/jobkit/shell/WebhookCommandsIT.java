package dev.jobkit.shell;

import static dev.jobkit.shell.support.ShellFixture.SCREEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.sdk.webhooks.WebhookVerifier;
import dev.jobkit.server.support.WebhookReceiver;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import dev.jobkit.shell.support.Tmux;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code webhook} commands as a user types them: create (the secret printed once), list,
 * deliveries after a real delivery to a local receiver, and delete asking in a real terminal.
 */
class WebhookCommandsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension static final ShellFixture fixture = ShellFixture.create("NO_COLOR", "1");

  private static Jobkit.Result ok(String... args) {
    Jobkit.Result result = fixture.run(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  @Test
  void create_list_and_deliveries_show_a_webhook_and_what_it_was_sent() {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      Jobkit.Result created =
          ok("webhook", "create", "--url", receiver.url(), "--status", "completed");
      assertThat(created.out()).startsWith("created webhook whk_").contains("-> " + receiver.url());
      String id = created.out().split(" ")[2];
      String secret =
          created.out().lines().filter(l -> l.startsWith("secret ")).findFirst().orElseThrow();
      assertThat(secret).startsWith("secret whsec_");

      assertThat(ok("webhook", "list").out()).contains(id).contains("SUCCEEDED");
      assertThat(ok("webhook", "list", "-o", "name").out().lines()).contains(id);

      Job job = fixture.client().jobs().submit(JobSpec.builder().command("true").build());
      await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.accepted().isEmpty());
      WebhookReceiver.Request request = receiver.accepted().get(0);
      WebhookVerifier.create(secret.substring("secret ".length()))
          .verify(request.signature(), request.body());
      assertThat(request.event().jobId()).isEqualTo(job.id());
      assertThat(request.event().toStatus()).isEqualTo(JobStatus.SUCCEEDED);

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ok("webhook", "deliveries", id).out().contains("delivered"));
      assertThat(ok("webhook", "deliveries", id).out()).contains(job.id()).contains("204");
      assertThat(
              JSON.readTree(ok("webhook", "deliveries", id, "-o", "json").out())
                  .get(0)
                  .get("attempts")
                  .asInt())
          .isEqualTo(1);
      ok("webhook", "delete", id, "--yes");
    }
  }

  @Test
  void bad_options_are_refused_naming_them() {
    Jobkit.Result noUrl = fixture.run("webhook", "create");
    assertThat(noUrl.exitCode()).isEqualTo(2);
    assertThat(noUrl.err()).contains("--url");
    Jobkit.Result badStatus =
        fixture.run("webhook", "create", "--url", "http://127.0.0.1:9/x", "--status", "done-ish");
    assertThat(badStatus.exitCode()).isEqualTo(2);
    assertThat(badStatus.err()).contains("--status");
    Jobkit.Result badUrl = fixture.run("webhook", "create", "--url", "ftp://example.com/");
    assertThat(badUrl.exitCode()).isEqualTo(2);
    assertThat(badUrl.err()).contains("--url").contains("http or https");
    Jobkit.Result missing = fixture.run("webhook", "deliveries", "whk_nothing");
    assertThat(missing.exitCode()).isEqualTo(3);
    assertThat(missing.err()).contains("no webhook whk_nothing").contains("'webhook list'");
  }

  @Test
  void delete_asks_in_a_terminal_and_yes_deletes_it() {
    Webhook webhook =
        fixture
            .client()
            .webhooks()
            .create(dev.jobkit.sdk.webhooks.WebhookSpec.of("https://receiver.example.com/x"));
    String id = webhook.id();
    Jobkit.Result noTerminal = fixture.run("webhook", "delete", id);
    assertThat(noTerminal.exitCode()).isEqualTo(2);

    try (Tmux tmux = Tmux.start(fixture.env(), Jobkit.commandLine("webhook", "delete", id))) {
      String asked = tmux.awaitText("Delete it? [yes/no]", SCREEN);
      assertThat(asked).contains("https://receiver.example.com/x");
      tmux.line("yes");
      tmux.awaitText("[exited 0]", SCREEN);
      assertThat(tmux.screen()).contains("APPLIED: deleted webhook " + id);
    }
    assertThatThrownBy(() -> fixture.client().webhooks().get(id))
        .isInstanceOf(NotFoundException.class);
  }
}
