package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.command.Completions;
import dev.jobkit.shell.command.Dispatcher;
import dev.jobkit.shell.command.Session;
import dev.jobkit.shell.render.Style;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.shell.core.command.completion.CompletionProposal;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code app} commands and {@code job submit --app / --file}, one-shot as scripts run them: an
 * admin puts, reads and deletes an app of this class (a unique name, as classes share the service),
 * the class's user runs it.
 */
class AppCommandsIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension static final ShellFixture fixture = ShellFixture.create("NO_COLOR", "1");

  private static final String APP = "greet-" + UUID.randomUUID().toString().substring(0, 8);

  private static Map<String, String> admin;

  @BeforeAll
  static void putTheApp() throws IOException {
    admin =
        Jobkit.env(
            fixture.service(),
            fixture.home(),
            "NO_COLOR",
            "1",
            "JOBKIT_API_KEY",
            fixture.service().admin().key());
    Path file = fixture.home().resolve("greet.json");
    Files.writeString(
        file,
        """
        {"description": "greets someone",
         "command": ["sh", "-c", "for i in $(seq \\"$1\\"); do echo \\"hello, $0\\"; done", "{who}", "{times}"],
         "parameters": {"type": "object", "required": ["who"],
           "properties": {"who": {"type": "string", "minLength": 1},
                          "times": {"type": "integer", "minimum": 1, "maximum": 5, "default": 2},
                          "loud": {"type": "boolean", "default": false}}}}
        """);
    Jobkit.Result put = Jobkit.run(admin, "app", "put", APP, "--file", file.toString());
    assertThat(put.exitCode()).as(put.toString()).isZero();
    assertThat(put.out()).contains("stored app " + APP + " v1");
  }

  private static Jobkit.Result ok(String... args) {
    Jobkit.Result result = fixture.run(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  @Test
  void a_user_lists_and_reads_the_app_and_a_user_may_not_put_one() throws IOException {
    assertThat(ok("app", "list").out()).contains(APP).contains("greets someone");
    JsonNode app = JSON.readTree(ok("app", "get", APP, "-o", "json").out());
    assertThat(app.get("version").asInt()).isEqualTo(1);
    assertThat(app.at("/parameters/properties/times/maximum").asInt()).isEqualTo(5);
    assertThat(ok("app", "get", APP).out()).contains("who").contains("integer, default 2");
    assertThat(ok("app", "versions", APP, "-o", "name").out().strip()).isEqualTo(APP + ":1");

    Path file = fixture.home().resolve("mine.json");
    Files.writeString(file, "{\"command\": [\"true\"]}");
    Jobkit.Result refused = fixture.run("app", "put", APP, "--file", file.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("error:");
  }

  @Test
  void submit_app_runs_it_with_params_and_job_list_app_finds_it() {
    Jobkit.Result run =
        ok(
            "job",
            "submit",
            "--app",
            APP,
            "--param",
            "who=Ada Lovelace",
            "--param",
            "times=3",
            "--wait",
            "--json");
    JsonNode job = JSON.readTree(run.out());
    assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(job.get("app").asString()).isEqualTo(APP);
    assertThat(job.at("/parameters/times").asInt()).isEqualTo(3);
    assertThat(job.at("/parameters/who").asString()).isEqualTo("Ada Lovelace");
    assertThat(ok("job", "logs", job.get("id").asString()).out())
        .isEqualTo("hello, Ada Lovelace\n".repeat(3));
    assertThat(ok("job", "list", "--app", APP, "-o", "name").out().lines())
        .contains(job.get("id").asString());
    assertThat(ok("job", "list", "--app", APP + "-none", "-o", "name").out()).isEmpty();
  }

  @Test
  void a_bad_param_exits_2_naming_the_option() {
    Jobkit.Result bad =
        fixture.run("job", "submit", "--app", APP, "--param", "who=Ada", "--param", "times=9");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
    assertThat(bad.err()).contains("--param times: maximum").doesNotContain("parameters.");

    Jobkit.Result unknown =
        fixture.run("job", "submit", "--app", APP, "--param", "who=Ada", "--param", "lr=1");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("--param lr:");

    Jobkit.Result noApp = fixture.run("job", "submit", "--app", APP + "-none");
    assertThat(noApp.exitCode()).isEqualTo(2);
    assertThat(noApp.err()).contains("--app:");

    Jobkit.Result shape = fixture.run("job", "submit", "--app", APP, "--param", "who");
    assertThat(shape.exitCode()).isEqualTo(2);
    assertThat(shape.err()).contains("--param must be NAME=VALUE, not 'who'");
    assertThat(fixture.client().jobs().list(JobQuery.builder().app(APP).build()).items())
        .allMatch(j -> j.parameters().get("who").equals("Ada Lovelace"));
  }

  /**
   * What Tab proposes, asked of the shell's completion in this JVM with a session connected first
   * (completion itself never waits for a connection longer than a moment, and never starts one).
   */
  private static List<String> propose(String... words) {
    PrintWriter sink = new PrintWriter(new StringWriter());
    Session session =
        new Session(null, fixture.home(), fixture.env(), sink, sink, Style.plain(), null, false);
    session.client();
    Dispatcher dispatcher = new Dispatcher(session);
    List<String> before = List.of(words).subList(0, words.length - 1);
    return Completions.propose(dispatcher.registry(), session, before, words[words.length - 1])
        .stream()
        .map(CompletionProposal::value)
        .toList();
  }

  @Test
  void tab_proposes_app_names_and_the_params_of_the_app_typed() {
    assertThat(propose("job", "submit", "--app", "")).contains(APP);
    assertThat(propose("job", "list", "--app", "")).contains(APP);
    assertThat(propose("app", "get", "")).contains(APP);
    assertThat(propose("job", "submit", "--app", APP, "--param", ""))
        .containsExactlyInAnyOrder("who=", "times=", "loud=");
    assertThat(propose("job", "submit", "--app=" + APP, "--param", "who=x", "--param", "t"))
        .contains("times=");
    assertThat(propose("job", "submit", "--app", APP, "--app-version", "1", "--param", ""))
        .contains("who=");
    assertThat(propose("job", "submit", "--param", "")).isEmpty();
    assertThat(propose("job", "submit", "--app", APP + "-none", "--param", "")).isEmpty();
    // The completion script's way in answers the same when the service is there.
    Jobkit.Result script = fixture.run("__complete", "job", "submit", "--param", "");
    assertThat(script.exitCode()).isZero();
    assertThat(script.out()).isEmpty();
  }

  @Test
  void submit_file_submits_a_pipeline_with_parents() throws IOException {
    Path file = fixture.home().resolve("pipeline.json");
    Files.writeString(
        file,
        """
        {"jobs": [
          {"ref": "first", "app": "%s", "parameters": {"who": "first"}},
          {"ref": "second", "app": "%s", "parameters": {"who": "second", "times": 1},
           "parents": ["first"]}
        ]}
        """
            .formatted(APP, APP));
    JsonNode jobs = JSON.readTree(ok("job", "submit", "--file", file.toString(), "--json").out());
    assertThat(jobs.size()).isEqualTo(2);
    String first = jobs.get(0).get("id").asString();
    String second = jobs.get(1).get("id").asString();
    assertThat(jobs.get(1).get("parents").get(0).asString()).isEqualTo(first);
    Job done = fixture.client().jobs().await(second, JobStatus::isTerminal, ShellFixture.SCREEN);
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(ok("job", "logs", second).out()).isEqualTo("hello, second\n");

    Files.writeString(
        file, "{\"jobs\": [{\"app\": \"%s\", \"parameters\": {\"times\": 0}}]}".formatted(APP));
    Jobkit.Result bad = fixture.run("job", "submit", "--file", file.toString());
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
    assertThat(bad.err()).contains(file + ": jobs[0].parameters.times: minimum");

    Jobkit.Result mixed =
        fixture.run("job", "submit", "--file", file.toString(), "--priority", "3");
    assertThat(mixed.exitCode()).isEqualTo(2);
    assertThat(mixed.err()).contains("give --priority in the file instead");
  }

  @Test
  void app_delete_asks_verifies_and_a_second_delete_is_not_found() throws IOException {
    String other = APP + "-del";
    Path file = fixture.home().resolve("del.json");
    Files.writeString(file, "{\"command\": [\"true\"]}");
    assertThat(Jobkit.run(admin, "app", "put", other, "-f", file.toString()).exitCode()).isZero();

    Jobkit.Result noTerminal = Jobkit.run(admin, "app", "delete", other);
    assertThat(noTerminal.exitCode()).isEqualTo(2);
    assertThat(noTerminal.err()).contains("nothing was sent");
    assertThat(fixture.client().apps().get(other).version()).isEqualTo(1);

    Jobkit.Result deleted = Jobkit.run(admin, "app", "delete", other, "--yes");
    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    assertThat(deleted.out())
        .contains("App '" + other + "' (1 version")
        .contains("yes (--yes)")
        .contains("APPLIED: deleted app " + other);
    assertThat(fixture.run("app", "get", other).exitCode()).isEqualTo(3);

    Jobkit.Result again = Jobkit.run(admin, "app", "delete", other, "--yes");
    assertThat(again.exitCode()).isEqualTo(3);
    assertThat(again.out()).contains("NOT_FOUND: there is no app " + other);
    assertThat(List.of(again.err())).allMatch(String::isEmpty);
  }
}
