package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.Tmux;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tab in a real terminal (tmux) for the values that come from the service: a job typed by its name
 * becomes its id, {@code --owner} proposes {@code me} and the user's own name, and {@code --status}
 * proposes the lowercase aliases as well as the names. What completion proposes where is unit
 * tested in {@code CompletionsTest}.
 */
class CompletionIT {

  private static final Duration SCREEN = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private static JobkitClient client;

  @TempDir static Path home;

  @BeforeAll
  static void connect() {
    client = service.client(service.userKey());
  }

  /** A shell connected as the class's user (the first command waits for the connection). */
  private static Tmux connectedShell() {
    Tmux tmux = Jobkit.interactive(Jobkit.env(service, home, "NO_COLOR", "1"), SCREEN);
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
}
