package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.shell.support.Jobkit;
import dev.jobkit.shell.support.ShellFixture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code -o} on {@code job list}, {@code job get}, {@code job events} and {@code user list},
 * one-shot as scripts run it, on real jobs of the class's user: one that succeeded, tagged, and one
 * still running.
 */
class OutputFormatsIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @RegisterExtension
  static final ShellFixture fixture = ShellFixture.create().keepingJobsBetweenTests();

  private static final JobkitService service = fixture.service();

  private static JobkitClient client;
  private static Job done;
  private static Job running;

  @BeforeAll
  static void submitJobs() {
    client = fixture.client();
    Job d =
        client
            .jobs()
            .submit(
                JobSpec.builder().command("true").displayName("done").tag("team", "cv").build());
    done = client.jobs().await(d.id(), JobStatus::isTerminal, WAIT);
    Job r =
        client
            .jobs()
            .submit(JobSpec.builder().command("sleep", "300").displayName("running").build());
    running = client.jobs().await(r.id(), s -> s == JobStatus.RUNNING, WAIT);
  }

  private static Jobkit.Result run(String... args) {
    return fixture.run(args);
  }

  /** Lists say {@code --owner me}: other classes' public jobs on the shared service show too. */
  private static Jobkit.Result ok(String... args) {
    Jobkit.Result result = run(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err()).as(result.toString()).isEmpty();
    return result;
  }

  @Test
  void o_json_prints_what_json_prints() {
    assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(ok("job", "get", done.id(), "-o", "json").out())
        .isEqualTo(ok("job", "get", done.id(), "--json").out());
    JsonNode list = JSON.readTree(ok("job", "list", "--owner", "me", "--output=json").out());
    assertThat(list.valueStream().map(j -> j.get("id").asString()).toList())
        .contains(done.id(), running.id());
  }

  @Test
  void o_jsonpath_reads_the_list_as_items_and_a_job_as_itself() {
    assertThat(
            ok("job", "list", "--owner", "me", "-o", "jsonpath={.items[*].id}")
                .out()
                .strip()
                .split(" "))
        .containsExactlyInAnyOrder(done.id(), running.id());
    assertThat(ok("job", "get", done.id(), "-o", "jsonpath={.status}").out())
        .isEqualTo("SUCCEEDED\n");
    assertThat(
            ok(
                    "job",
                    "list",
                    "--owner",
                    "me",
                    "-o",
                    "jsonpath={range .items[*]}{.id} {.tags.team}{\"\\n\"}{end}")
                .out()
                .lines())
        .containsExactlyInAnyOrder(done.id() + " cv", running.id() + " ");
  }

  @Test
  void o_custom_columns_prints_the_headers_and_paths_asked_for() {
    List<String> lines =
        ok(
                "job",
                "list",
                "--owner",
                "me",
                "-o",
                "custom-columns=ID:.id,NAME:.display_name,TEAM:.tags.team")
            .out()
            .lines()
            .toList();

    assertThat(lines.get(0).split("\\s+")).containsExactly("ID", "NAME", "TEAM");
    assertThat(lines.subList(1, lines.size()))
        .anySatisfy(l -> assertThat(l.split("\\s+")).containsExactly(done.id(), "done", "cv"))
        .anySatisfy(
            l -> assertThat(l.split("\\s+")).containsExactly(running.id(), "running", "<none>"));
  }

  @Test
  void o_wide_adds_priority_pods_attempt_and_tags_that_the_default_table_leaves_out() {
    String table = ok("job", "list", "--owner", "me").out();
    String wide = ok("job", "list", "--owner", "me", "-o", "wide").out();
    String one = ok("job", "get", done.id(), "-o", "wide").out();

    assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("ID", "NAME", "STATUS", "OWNER", "CREATED", "REASON");
    assertThat(wide.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly(
            "ID",
            "NAME",
            "STATUS",
            "PRI",
            "PODS",
            "ATTEMPT",
            "OWNER",
            "CREATED",
            "STARTED",
            "DURATION",
            "TIMEOUT",
            "TAGS",
            "REASON");
    assertThat(wide)
        .contains(running.id())
        .containsPattern(done.id() + " .*SUCCEEDED +5 +1 +1/1 .*team=cv");
    assertThat(one.lines().toList()).hasSize(2);
    assertThat(one.lines().toList().get(1)).startsWith(done.id()).contains("team=cv");
  }

  @Test
  void o_name_prints_one_id_a_line() {
    assertThat(ok("job", "list", "--owner", "me", "-o", "name").out().lines())
        .containsExactlyInAnyOrder(done.id(), running.id());
  }

  @Test
  void an_unknown_format_or_one_with_json_is_a_usage_error_that_names_the_formats() {
    Jobkit.Result yaml = run("job", "list", "-o", "yaml");
    Jobkit.Result both = run("job", "get", done.id(), "--json", "-o", "wide");
    Jobkit.Result badPath = run("job", "list", "-o", "jsonpath={.items[*");

    assertThat(yaml.exitCode()).as(yaml.toString()).isEqualTo(2);
    assertThat(yaml.out()).isEmpty();
    assertThat(yaml.err())
        .contains("unknown output format 'yaml'")
        .contains("wide, json, name, jsonpath=TEMPLATE, custom-columns=HEADER:PATH,...");
    assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
    assertThat(both.err()).contains("--json or -o wide, not both");
    assertThat(badPath.exitCode()).as(badPath.toString()).isEqualTo(2);
    assertThat(badPath.err()).contains("-o jsonpath: unclosed '{'");
  }

  @Test
  void o_on_job_events_prints_the_history_as_json_jsonpath_or_custom_columns() {
    JsonNode json = JSON.readTree(ok("job", "events", done.id(), "-o", "json").out());
    List<String> statuses =
        List.of(
            ok("job", "events", done.id(), "-o", "jsonpath={.items[*].to_status}")
                .out()
                .strip()
                .split(" "));
    List<String> columns =
        ok("job", "events", done.id(), "-o", "custom-columns=TO:.to_status,BY:.actor_kind")
            .out()
            .lines()
            .toList();

    assertThat(json.valueStream().map(e -> e.get("to_status").asString()).toList())
        .isEqualTo(statuses);
    assertThat(statuses).contains("RUNNING").last().isEqualTo("SUCCEEDED");
    assertThat(columns.get(0).split("\\s+")).containsExactly("TO", "BY");
    assertThat(columns).hasSize(statuses.size() + 1);
    assertThat(columns.get(columns.size() - 1)).startsWith("SUCCEEDED ");
  }

  @Test
  void job_events_and_user_list_refuse_the_formats_they_have_not_naming_those_they_have() {
    Jobkit.Result wide = run("job", "events", done.id(), "-o", "wide");
    Jobkit.Result name = run("job", "events", done.id(), "-o", "name");
    Jobkit.Result users = run("user", "list", "-o", "wide");

    assertThat(wide.exitCode()).as(wide.toString()).isEqualTo(2);
    assertThat(wide.out()).isEmpty();
    assertThat(wide.err())
        .contains(
            "job events has no output format 'wide'; its formats are: json, jsonpath=TEMPLATE,"
                + " custom-columns=HEADER:PATH,...");
    assertThat(name.exitCode()).as(name.toString()).isEqualTo(2);
    assertThat(users.exitCode()).as(users.toString()).isEqualTo(2);
    assertThat(users.err())
        .contains(
            "user list has no output format 'wide'; its formats are: json, name,"
                + " jsonpath=TEMPLATE, custom-columns=HEADER:PATH,...");
  }

  /** {@code user list} is the admin's: the class's user is asserted on, not every user. */
  @Test
  void o_on_user_list_prints_names_json_jsonpath_and_custom_columns() {
    String admin = service.admin().key();
    String me = service.userName();

    List<String> names =
        ok("--api-key", admin, "user", "list", "-o", "name").out().lines().toList();
    JsonNode json = JSON.readTree(ok("--api-key", admin, "user", "list", "-o", "json").out());
    String role =
        ok(
                "--api-key",
                admin,
                "user",
                "list",
                "-o",
                "jsonpath={.items[?(@.name==\"" + me + "\")].role}")
            .out();
    List<String> columns =
        ok("--api-key", admin, "user", "list", "-o", "custom-columns=WHO:.name,ROLE:.role")
            .out()
            .lines()
            .toList();

    assertThat(names).contains(me, "admin");
    assertThat(json.valueStream().map(u -> u.get("name").asString()).toList()).isEqualTo(names);
    assertThat(role).isEqualTo("user\n");
    assertThat(columns.get(0).split("\\s+")).containsExactly("WHO", "ROLE");
    assertThat(columns).anySatisfy(l -> assertThat(l.split("\\s+")).containsExactly(me, "user"));
  }
}
