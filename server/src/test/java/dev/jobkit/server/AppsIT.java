package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_TIMEOUT;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static dev.jobkit.server.support.Problems.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Attempt;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Apps: definitions an admin puts (versions kept, every field checked), users read and run by name
 * with parameters that the schema checks and that reach the process only as whole argv items or
 * environment variables.
 */
class AppsIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private static final Duration END = Duration.ofSeconds(60);

  private final Api admin = service.admin();
  private final Api user = service.user();

  /** Apps are the whole service's: each test names its own. */
  private static String unique(String base) {
    return base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static final String ECHO =
      """
      {"description": "writes its arguments",
       "command": ["echo", "{text}", "--times={times}"],
       "parameters": {"type": "object", "required": ["text"],
         "properties": {"text": {"type": "string", "maxLength": 100},
                        "times": {"type": "integer", "minimum": 1, "default": 3}}},
       "defaults": {"priority": 7, "max_attempts": 2}}
      """;

  @Test
  void an_admin_puts_versions_that_users_read_and_a_user_may_not_put_or_delete() {
    String name = unique("echo");

    JsonNode v1 = admin.put("/api/v1/apps/" + name, ECHO).expect(200).json();
    JsonNode v2 =
        admin
            .put("/api/v1/apps/" + name, ECHO.replace("writes its arguments", "second"))
            .expect(200)
            .json();

    assertThat(v1.get("version").asInt()).isEqualTo(1);
    assertThat(v2.get("version").asInt()).isEqualTo(2);
    assertThat(v2.get("created_by").asString()).isEqualTo("admin");
    JsonNode latest = user.get("/api/v1/apps/" + name).expect(200).json();
    assertThat(latest.get("version").asInt()).isEqualTo(2);
    assertThat(latest.get("description").asString()).isEqualTo("second");
    assertThat(latest.at("/parameters/properties/times/default").asInt()).isEqualTo(3);
    JsonNode first = user.get("/api/v1/apps/" + name + "?version=1").expect(200).json();
    assertThat(first.get("description").asString()).isEqualTo("writes its arguments");
    assertThat(user.get("/api/v1/apps/" + name + "/versions").expect(200).json().get("items"))
        .extracting(v -> v.get("version").asInt())
        .containsExactly(1, 2);
    assertThat(user.get("/api/v1/apps").expect(200).json().get("items"))
        .filteredOn(a -> a.get("name").asString().equals(name))
        .singleElement()
        .satisfies(a -> assertThat(a.get("version").asInt()).isEqualTo(2));
    assertRefused(user.get("/api/v1/apps/" + name + "?version=9"), 404, "not_found", null);
    assertRefused(
        user.get("/api/v1/apps/" + name + "?version=x"), 400, "validation_failed", "version");

    assertRefused(user.put("/api/v1/apps/" + name, ECHO), 403, "forbidden", null);
    assertRefused(user.delete("/api/v1/apps/" + name), 403, "forbidden", null);
    assertThat(user.get("/api/v1/apps/" + name).expect(200).json().get("version").asInt())
        .isEqualTo(2);
  }

  @Test
  void a_deleted_app_is_gone_its_jobs_keep_their_record_and_a_new_put_goes_on_numbering() {
    String name = unique("gone");
    admin.put("/api/v1/apps/" + name, "{\"command\": [\"true\"]}").expect(200);
    Job job = user.submit("{\"app\": \"" + name + "\"}");
    user.awaitStatus(job.id(), SUCCEEDED, END);

    admin.delete("/api/v1/apps/" + name).expect(204);

    assertRefused(user.get("/api/v1/apps/" + name), 404, "not_found", null);
    assertRefused(admin.delete("/api/v1/apps/" + name), 404, "not_found", null);
    assertRefused(
        user.post("/api/v1/jobs", "{\"app\": \"" + name + "\"}"), 400, "validation_failed", "app");
    Job kept = user.job(job.id());
    assertThat(kept.app()).isEqualTo(name);
    assertThat(kept.appVersion()).isEqualTo(1);
    JsonNode again = admin.put("/api/v1/apps/" + name, "{\"shell\": \"true\"}").expect(200).json();
    assertThat(again.get("version").asInt()).isEqualTo(2);
    assertThat(user.get("/api/v1/apps/" + name + "/versions").expect(200).json().get("items"))
        .extracting(v -> v.get("version").asInt())
        .containsExactly(2);
  }

  @Test
  void every_wrong_field_of_a_definition_is_a_400_naming_it() {
    String name = unique("bad");
    Map<String, String> refused =
        Map.ofEntries(
            Map.entry("{\"command\": [\"echo\"], \"shell\": \"echo\"}", "command"),
            Map.entry("{\"description\": \"no command\"}", "command"),
            Map.entry("{\"command\": [\"echo\", \"{nope}\"]}", "command[1]"),
            Map.entry(
                "{\"command\": [\"echo\", \"{a}\"], \"parameters\": {\"type\": \"object\","
                    + " \"properties\": {\"b\": {\"type\": \"string\"}}}}",
                "command[1]"),
            Map.entry("{\"command\": [\"awk\", \"{print}\"]}", "command[1]"),
            Map.entry("{\"command\": [\"echo\", \"}\"]}", "command[1]"),
            Map.entry(
                "{\"command\": [\"echo\"], \"parameters\": {\"type\": \"object\","
                    + " \"properties\": {\"a\": {\"type\": \"strin\"}}}}",
                "parameters.properties.a.type"),
            Map.entry(
                "{\"command\": [\"echo\"], \"parameters\": {\"type\": \"string\"}}",
                "parameters.type"),
            Map.entry(
                "{\"command\": [\"echo\"], \"parameters\": {\"type\": \"object\","
                    + " \"properties\": {\"a-b\": {}}}}",
                "parameters.properties.a-b"),
            Map.entry(
                "{\"shell\": \"echo {a}\", \"parameters\": {\"type\": \"object\","
                    + " \"properties\": {\"a\": {}}}}",
                "shell"),
            Map.entry("{\"command\": [\"echo\"], \"env\": {\"X\": \"{y}\"}}", "env.X"),
            Map.entry("{\"command\": [\"echo\"], \"env\": {\"JOBKIT_X\": \"1\"}}", "env.JOBKIT_X"),
            Map.entry(
                "{\"command\": [\"echo\"], \"defaults\": {\"priority\": 10}}", "defaults.priority"),
            Map.entry(
                "{\"command\": [\"echo\"], \"defaults\": {\"max_attempts\": 0}}",
                "defaults.max_attempts"),
            Map.entry(
                "{\"command\": [\"echo\"], \"hooks\": {\"preprocess\": {\"command\": []}}}",
                "hooks.preprocess.command"),
            Map.entry(
                "{\"command\": [\"echo\"], \"hooks\": {\"on_error\": {\"command\": [\"x\"],"
                    + " \"timeout_seconds\": 0}}}",
                "hooks.on_error.timeout_seconds"),
            Map.entry(
                "{\"command\": [\"echo\"], \"hooks\": {\"on_timeout\": {\"command\": [\"x\","
                    + " \"{z}\"]}}}",
                "hooks.on_timeout.command[1]"),
            Map.entry(
                "{\"command\": [\"echo\"], \"transfers\": {\"stage_in\": [{\"source\":"
                    + " \"ftp://h/x\", \"path\": \"x\"}]}}",
                "transfers.stage_in[0].source"),
            Map.entry(
                "{\"command\": [\"echo\"], \"transfers\": {\"stage_in\": [{\"source\":"
                    + " \"/data/x\", \"path\": \"../x\"}]}}",
                "transfers.stage_in[0].path"),
            Map.entry(
                "{\"command\": [\"echo\"], \"transfers\": {\"stage_in\": [{\"source\":"
                    + " \"https://example.org/x\", \"path\": \"x\", \"sha256\": \"abc\"}]}}",
                "transfers.stage_in[0].sha256"),
            Map.entry(
                "{\"command\": [\"echo\"], \"transfers\": {\"stage_out\": [{\"path\": \"/abs\","
                    + " \"destination\": \"https://example.org/up\"}]}}",
                "transfers.stage_out[0].path"),
            Map.entry(
                "{\"command\": [\"echo\"], \"transfers\": {\"stage_out\": [{\"path\": \"out\"}]}}",
                "transfers.stage_out[0].destination"),
            Map.entry("{\"command\": [\"echo\"], \"colour\": \"red\"}", "colour"));
    refused.forEach(
        (body, field) ->
            assertRefused(
                admin.put("/api/v1/apps/" + name, body), 400, "validation_failed", field));
    assertRefused(
        admin.put("/api/v1/apps/Bad_Name", "{\"command\": [\"echo\"]}"),
        400,
        "validation_failed",
        "name");
    assertRefused(user.get("/api/v1/apps/" + name), 404, "not_found", null);
  }

  @Test
  void a_definition_with_hooks_and_transfers_is_kept_as_it_was_put() {
    String name = unique("steps");
    String body =
        """
        {"command": ["run", "{data}"],
         "parameters": {"type": "object", "properties": {"data": {"type": "string"}}},
         "hooks": {"preprocess": {"command": ["prep", "{data}"], "timeout_seconds": 30},
                   "on_timeout": {"command": ["cleanup"]}},
         "transfers": {"stage_in": [{"source": "https://example.org/{data}.csv", "path": "in/{data}.csv",
                                     "sha256": "%s"}],
                       "stage_out": [{"path": "out/model.bin", "destination": "/models/{data}"}]}}
        """
            .formatted("a".repeat(64));

    admin.put("/api/v1/apps/" + name, body).expect(200);

    JsonNode app = user.get("/api/v1/apps/" + name).expect(200).json();
    assertThat(app.at("/hooks/preprocess/command/1").asString()).isEqualTo("{data}");
    assertThat(app.at("/hooks/preprocess/timeout_seconds").asInt()).isEqualTo(30);
    assertThat(app.at("/hooks/on_timeout/command/0").asString()).isEqualTo("cleanup");
    assertThat(app.at("/transfers/stage_in/0/source").asString())
        .isEqualTo("https://example.org/{data}.csv");
    assertThat(app.at("/transfers/stage_out/0/destination").asString()).isEqualTo("/models/{data}");
  }

  @Test
  void a_submission_fills_in_defaults_and_records_the_app_its_version_and_parameters() {
    String name = unique("echo");
    admin.put("/api/v1/apps/" + name, ECHO).expect(200);

    Job job = user.submit("{\"app\": \"" + name + "\", \"parameters\": {\"text\": \"hi there\"}}");

    assertThat(job.app()).isEqualTo(name);
    assertThat(job.appVersion()).isEqualTo(1);
    assertThat(job.parameters())
        .containsExactly(Map.entry("text", "hi there"), Map.entry("times", 3));
    assertThat(job.command()).containsExactly("echo", "hi there", "--times=3");
    assertThat(job.env())
        .containsEntry("JOBKIT_PARAM_TEXT", "hi there")
        .containsEntry("JOBKIT_PARAM_TIMES", "3");
    assertThat(job.priority()).isEqualTo(7);
    assertThat(job.maxAttempts()).isEqualTo(2);
    assertThat(job.displayName()).isEqualTo(name + " v1");
    Job own =
        user.submit(
            "{\"app\": \""
                + name
                + "\", \"app_version\": 1, \"priority\": 2, \"max_attempts\": 1,"
                + " \"parameters\": {\"text\": \"x\", \"times\": 5}, \"tags\": {\"k\": \"v\"}}");
    assertThat(own.priority()).isEqualTo(2);
    assertThat(own.maxAttempts()).isEqualTo(1);
    assertThat(own.command()).containsExactly("echo", "x", "--times=5");
    assertThat(user.awaitStatus(job.id(), SUCCEEDED, END).app()).isEqualTo(name);

    List<Job> listed = user.listAll("app=" + name);
    assertThat(listed).extracting(Job::id).containsExactlyInAnyOrder(job.id(), own.id());
    assertThat(listed).allSatisfy(j -> assertThat(j.parameters()).containsKey("text"));
    assertThat(user.listAll("app=" + name + "-other")).isEmpty();
  }

  @Test
  void a_wrong_submission_is_a_400_naming_the_parameter_and_the_rule() {
    String name = unique("echo");
    admin.put("/api/v1/apps/" + name, ECHO).expect(200);
    String app = "{\"app\": \"" + name + "\", ";

    assertRule(
        user.post("/api/v1/jobs", app + "\"parameters\": {}}"), "parameters.text", "required");
    assertRule(
        user.post("/api/v1/jobs", app + "\"parameters\": {\"text\": 5}}"),
        "parameters.text",
        "type");
    assertRule(
        user.post("/api/v1/jobs", app + "\"parameters\": {\"text\": \"a\", \"times\": 0}}"),
        "parameters.times",
        "minimum");
    assertRule(
        user.post("/api/v1/jobs", app + "\"parameters\": {\"text\": \"" + "a".repeat(101) + "\"}}"),
        "parameters.text",
        "maxLength");
    assertRule(
        user.post("/api/v1/jobs", app + "\"parameters\": {\"text\": \"a\", \"lr\": 1}}"),
        "parameters.lr",
        "not a parameter");
    assertRefused(
        user.post(
            "/api/v1/jobs", app + "\"command\": [\"id\"], \"parameters\": {\"text\": \"a\"}}"),
        400,
        "validation_failed",
        "command");
    assertRefused(
        user.post("/api/v1/jobs", app + "\"shell\": \"id\", \"parameters\": {\"text\": \"a\"}}"),
        400,
        "validation_failed",
        "shell");
    assertRefused(
        user.post(
            "/api/v1/jobs",
            app + "\"env\": {\"LD_PRELOAD\": \"x\"}, \"parameters\": {\"text\": \"a\"}}"),
        400,
        "validation_failed",
        "env");
    assertRefused(
        user.post("/api/v1/jobs", app + "\"app_version\": 7, \"parameters\": {\"text\": \"a\"}}"),
        400,
        "validation_failed",
        "app_version");
    assertRefused(
        user.post("/api/v1/jobs", "{\"command\": [\"true\"], \"parameters\": {\"a\": 1}}"),
        400,
        "validation_failed",
        "parameters");
    assertRefused(
        user.post("/api/v1/jobs/batch", "{\"jobs\": [" + app + "\"parameters\": {}}]}"),
        400,
        "validation_failed",
        "jobs[0].parameters.text");
    assertThat(user.listAll("app=" + name)).isEmpty();
  }

  private static void assertRule(Api.Response answer, String field, String rule) {
    assertRefused(answer, 400, "validation_failed", field);
    assertThat(answer.json().get("errors"))
        .filteredOn(e -> e.get("field").asString().equals(field))
        .first()
        .satisfies(e -> assertThat(e.get("reason").asString()).contains(rule));
  }

  @Test
  void a_parameter_reaches_the_process_only_as_whole_argv_items_and_variables_never_run(
      @TempDir Path home) throws IOException {
    Path canary = Files.writeString(home.resolve("canary"), "still here");
    home.toFile().setWritable(true, false);
    String command = unique("argv");
    String script = unique("script");
    // The program writes each argument, and the variable, to a file of its own, byte for byte.
    admin
        .put(
            "/api/v1/apps/" + command,
            Api.JSON.writeValueAsString(
                Map.of(
                    "command",
                    List.of(
                        "sh",
                        "-c",
                        "i=0; for a in \"$@\"; do i=$((i+1)); printf '%s' \"$a\" >"
                            + " \"$JOBKIT_OUTPUT_DIR/arg$i\"; done; printf '%s'"
                            + " \"$JOBKIT_PARAM_TEXT\" > \"$JOBKIT_OUTPUT_DIR/env\"",
                        "argv0",
                        "{text}",
                        "--text={text}"),
                    "env",
                    Map.of("HOME", home.toString()),
                    "parameters",
                    Map.of(
                        "type", "object", "properties", Map.of("text", Map.of("type", "string"))))))
        .expect(200);
    admin
        .put(
            "/api/v1/apps/" + script,
            Api.JSON.writeValueAsString(
                Map.of(
                    "shell",
                    "printf '%s' \"$JOBKIT_PARAM_TEXT\" > \"$JOBKIT_OUTPUT_DIR/env\"",
                    "env",
                    Map.of("HOME", home.toString()),
                    "parameters",
                    Map.of(
                        "type", "object", "properties", Map.of("text", Map.of("type", "string"))))))
        .expect(200);
    String hostile =
        "\"; rm -rf ~\" ; rm -rf ~ ; $(touch \"$JOBKIT_OUTPUT_DIR/pwned\") `touch"
            + " \"$JOBKIT_OUTPUT_DIR/pwned\"`\nrm -rf ~\n' \\ {text} {{ * ~";

    for (String app : List.of(command, script)) {
      Job job =
          user.submit(
              Api.JSON.writeValueAsString(
                  Map.of("app", app, "parameters", Map.of("text", hostile))));
      user.awaitStatus(job.id(), SUCCEEDED, END);
      Path output = service.server().jobDir(job.id()).resolve("output");

      assertThat(Files.readAllBytes(output.resolve("env")))
          .isEqualTo(hostile.getBytes(StandardCharsets.UTF_8));
      assertThat(output.resolve("pwned")).doesNotExist();
      if (app.equals(command)) {
        assertThat(Files.readAllBytes(output.resolve("arg1")))
            .isEqualTo(hostile.getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readAllBytes(output.resolve("arg2")))
            .isEqualTo(("--text=" + hostile).getBytes(StandardCharsets.UTF_8));
        assertThat(output.resolve("arg3")).doesNotExist();
      }
    }
    assertThat(canary).hasContent("still here");
  }

  @Test
  void a_timeout_retries_while_the_apps_attempts_remain_then_fails() {
    String name = unique("slow");
    admin
        .put(
            "/api/v1/apps/" + name,
            "{\"command\": [\"sleep\", \"30\"], \"defaults\": {\"timeout_seconds\": 1,"
                + " \"max_attempts\": 2}}")
        .expect(200);

    Job job = user.submit("{\"app\": \"" + name + "\"}");
    Job failed = user.awaitStatus(job.id(), FAILED, END);

    assertThat(failed.timeoutSeconds()).isEqualTo(1);
    assertThat(failed.attempts())
        .extracting(Attempt::outcome)
        .containsExactly(RUN_TIMEOUT, RUN_TIMEOUT);
  }
}
