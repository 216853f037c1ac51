package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.ForbiddenException;
import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.AppDefaults;
import dev.jobkit.sdk.apps.AppRun;
import dev.jobkit.sdk.apps.AppSpec;
import dev.jobkit.sdk.apps.Hook;
import dev.jobkit.sdk.apps.StageIn;
import dev.jobkit.sdk.apps.StageOut;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Apps through the SDK: put and read them as an admin, run them as a user with typed parameters.
 */
class SdkAppsIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitClient user;
  static JobkitClient admin;

  @BeforeAll
  static void start() {
    user = service.client(service.userKey());
    admin = service.client(JobkitServer.ADMIN_KEY);
  }

  /**
   * The app of the test; its version "two" also stages files in and out, which this machine cannot
   * reach (no network, no transfer root): it is read, never run.
   */
  private static AppSpec echo(String description) {
    AppSpec.Builder app = echoCommand(description);
    if (description.equals("two")) {
      app.stageIn(new StageIn("https://example.org/data.csv", "data.csv", null))
          .stageOut(new StageOut("out.txt", "/results/{text}"));
    }
    return app.build();
  }

  private static AppSpec.Builder echoCommand(String description) {
    return AppSpec.builder()
        .description(description)
        .command("echo", "{text}", "--lr={lr}")
        .parameters(
            Map.of(
                "type", "object",
                "required", List.of("text"),
                "properties",
                    Map.of(
                        "text", Map.of("type", "string"),
                        "lr", Map.of("type", "number", "exclusiveMinimum", 0, "default", 0.001))))
        .defaults(new AppDefaults(null, 6, 600, 2))
        .env("LEARNING_RATE", "{lr}")
        .preprocess(Hook.of(30, "true", "{text}"));
  }

  @Test
  void an_admin_puts_versions_and_a_user_runs_one_with_typed_parameters() {
    String name = "sdk-echo-" + UUID.randomUUID().toString().substring(0, 8);

    App first = admin.apps().put(name, echo("one"));
    App second = admin.apps().put(name, echo("two"));

    assertThat(first.version()).isEqualTo(1);
    assertThat(second.version()).isEqualTo(2);
    assertThat(user.apps().get(name).description()).isEqualTo("two");
    assertThat(user.apps().get(name, 1).description()).isEqualTo("one");
    assertThat(user.apps().versions(name)).extracting(App::version).containsExactly(1, 2);
    assertThat(user.apps().list()).extracting(App::name).contains(name);
    App read = user.apps().get(name);
    assertThat(read.hooks().preprocess()).isEqualTo(Hook.of(30, "true", "{text}"));
    assertThat(read.hooks().postprocess()).isNull();
    assertThat(read.transfers().stageOut())
        .containsExactly(new StageOut("out.txt", "/results/{text}"));
    assertThat(read.spec().command()).containsExactly("echo", "{text}", "--lr={lr}");

    Job job =
        user.jobs()
            .submit(
                AppRun.of(name).version(1).param("text", "hello world").param("lr", 1e-4).build());
    Job done = user.jobs().await(job.id(), JobStatus::isTerminal, Duration.ofSeconds(60));

    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(done.app()).isEqualTo(name);
    assertThat(done.appVersion()).isEqualTo(1);
    assertThat(done.parameters()).containsEntry("text", "hello world").containsEntry("lr", 1e-4);
    assertThat(done.command()).containsExactly("echo", "hello world", "--lr=0.0001");
    assertThat(done.env()).containsEntry("LEARNING_RATE", "0.0001");
    assertThat(done.priority()).isEqualTo(6);
    // The preprocess hook's lines, then the command's output.
    assertThat(user.jobs().logs(job.id()).tail().content())
        .contains("[jobkit] preprocess hook exited 0\n")
        .endsWith("\nhello world --lr=0.0001\n");
    assertThat(user.jobs().listAll(JobQuery.builder().app(name).build()))
        .extracting(Job::id)
        .containsExactly(job.id());
  }

  @Test
  void refusals_arrive_as_typed_exceptions_naming_the_field() {
    String name = "sdk-echo-" + UUID.randomUUID().toString().substring(0, 8);
    admin.apps().put(name, echo("one"));

    assertThatThrownBy(() -> user.apps().put(name, echo("mine")))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> user.apps().delete(name)).isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(
            () -> user.jobs().submit(AppRun.of(name).param("text", "x").param("lr", -1).build()))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.problem().errors())
                    .extracting(FieldError::field)
                    .containsExactly("parameters.lr"));
    assertThatThrownBy(
            () -> admin.apps().put(name, AppSpec.builder().command("echo", "{missing}").build()))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.problem().errors())
                    .extracting(FieldError::field)
                    .containsExactly("command[1]"));

    admin.apps().delete(name);

    assertThatThrownBy(() -> user.apps().get(name)).isInstanceOf(NotFoundException.class);
  }
}
