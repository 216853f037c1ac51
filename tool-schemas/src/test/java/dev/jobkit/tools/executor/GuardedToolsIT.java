package dev.jobkit.tools.executor;

import static dev.jobkit.tools.executor.CheckedTools.failed;
import static dev.jobkit.tools.executor.CheckedTools.ok;
import static dev.jobkit.tools.executor.CheckedTools.withToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.sdk.users.User;
import dev.jobkit.tools.registry.Inputs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The guarded protocol as an agent meets it, against a real service: the first call answers the
 * pre-check, the prompt and a short token and executes nothing; the second runs only after the
 * mode's yes (the host's confirmer, configuration in AUTO, the person through elicitation in one
 * call), and DENY refuses. For stop, delete, flush, running code (one job or a pipeline) and the
 * admin writes. What a model does to get around it is {@link GuardBypassIT}'s.
 *
 * <p>Over 400 lines: the normal flows of seven guarded tools in one place.
 */
class GuardedToolsIT {

  @RegisterExtension static final AgentService service = new AgentService();

  private static String token(JsonNode answer) {
    assertThat(answer.get("status").asString()).isEqualTo("confirmation_required");
    return answer.get("confirmation_token").asString();
  }

  // --- stop: first call, yes, no ---

  @Test
  void the_first_stop_call_executes_nothing_and_answers_the_precheck_prompt_and_a_short_token() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, true);
    String id = service.running("first");

    JsonNode answer = ok(tools.call("stop_job", "job_id", id));

    assertThat(answer.get("status").asString()).isEqualTo("confirmation_required");
    assertThat(answer.get("precheck").get("status").asString()).isEqualTo("RUNNING");
    assertThat(answer.get("precheck").get("job_count").asInt()).isEqualTo(1);
    assertThat(answer.get("prompt").asString())
        .startsWith("Job " + id + " \"first\" (owner " + service.user() + ", submitted ")
        .contains("is currently RUNNING")
        .endsWith("Stop it? [yes/no]");
    assertThat(answer.get("confirmation_token").asString())
        .startsWith("jkct2.")
        .hasSizeLessThanOrEqualTo(Inputs.TOKEN_MAX_LENGTH);
    assertThat(answer.get("expires_at").asString()).isNotBlank();
    assertThat(answer.has("approved_by")).isFalse();
    assertThat(asked).isEmpty();
    assertThat(service.stopsOf(id)).isZero();
    assertThat(service.statusOf(id)).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void with_the_token_and_the_hosts_yes_the_job_is_stopped_and_verified_canceled() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, true);
    String id = service.running("stopped");
    String token = token(ok(tools.call("stop_job", "job_id", id)));

    JsonNode done = ok(tools.call("stop_job", "job_id", id, "confirmation_token", token));

    assertThat(done.get("status").asString()).isEqualTo("done");
    assertThat(done.get("outcome").asString()).isEqualTo("APPLIED");
    assertThat(done.get("verified").asBoolean()).isTrue();
    assertThat(done.get("final_status").asString()).isEqualTo("CANCELED");
    assertThat(done.get("approved_by").asString()).isEqualTo("host");
    assertThat(done.get("job").get("status").asString()).isEqualTo("CANCELED");
    assertThat(asked).singleElement().satisfies(p -> assertThat(p.jobId()).isEqualTo(id));
    assertThat(service.stopsOf(id)).isEqualTo(1);
    assertThat(service.statusOf(id)).isEqualTo(JobStatus.CANCELED);
  }

  @Test
  void a_model_that_hands_its_own_token_back_gets_nothing_executed_without_the_hosts_yes() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, false);
    String id = service.running("model-only");
    String token = token(ok(tools.call("stop_job", "job_id", id)));

    JsonNode refused = failed(tools.call("stop_job", "job_id", id, "confirmation_token", token));

    assertThat(refused.get("status").asString()).isEqualTo("refused");
    assertThat(refused.get("outcome").asString()).isEqualTo("DECLINED");
    assertThat(refused.get("reason").asString()).isEqualTo("not_confirmed");
    assertThat(refused.has("approved_by")).isFalse();
    assertThat(asked).hasSize(1);
    assertThat(service.stopsOf(id)).isZero();
    assertThat(service.statusOf(id)).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void stopping_an_ended_job_is_refused_as_already_terminal_without_a_token() {
    CheckedTools tools = service.host(new CopyOnWriteArrayList<>(), true);
    String id = service.running("ended");
    service.finish(id);

    JsonNode refused = failed(tools.call("stop_job", "job_id", id));

    assertThat(refused.get("outcome").asString()).isEqualTo("ALREADY_TERMINAL");
    assertThat(refused.get("reason").asString()).isEqualTo("already_terminal");
    assertThat(refused.has("confirmation_token")).isFalse();
    assertThat(service.stopsOf(id)).isZero();
  }

  // --- deny ---

  @Test
  void in_deny_mode_every_guarded_tool_is_refused_saying_how_to_enable_it_and_nothing_is_done() {
    CheckedTools tools = service.tools(ConfirmationMode.DENY);
    CheckedTools admin = new CheckedTools(ToolExecutor.builder(service.adminAgent()).build());
    String running = service.running("deny-running");
    String ended = service.running("deny-ended");
    service.finish(ended);
    String user = "deny-" + UUID.randomUUID().toString().substring(0, 8);

    List<ToolResult> answers =
        List.of(
            tools.call("stop_job", "job_id", running),
            tools.call("delete_job", "job_id", ended),
            tools.call("flush_jobs", "scope", "all"),
            tools.call("submit_job", "command", List.of("true")),
            tools.call("submit_jobs", "jobs", List.of(Map.of("shell", "true"))),
            admin.call("create_user", "name", user),
            admin.call("set_scheduling_mode", "user", service.user(), "scheduling_mode", "serial"));

    assertThat(answers)
        .allSatisfy(
            answer -> {
              JsonNode refused = failed(answer);
              assertThat(refused.get("reason").asString()).isEqualTo("confirmation_unavailable");
              assertThat(refused.get("outcome").asString()).isEqualTo("DECLINED");
              assertThat(refused.get("message").asString())
                  .contains("elicitation")
                  .contains("HOST")
                  .contains("JOBKIT_MCP_CONFIRM=auto");
              assertThat(refused.has("confirmation_token")).isFalse();
            });
    assertThat(service.stopsOf(running)).isZero();
    assertThat(service.submissions()).isZero();
    assertThat(service.proxy().requests())
        .noneMatch(r -> r.startsWith("DELETE ") || r.startsWith("PUT ") || r.startsWith("PATCH "))
        .noneMatch(r -> r.startsWith("POST /api/v1/users"));
    assertThat(service.statusOf(running)).isEqualTo(JobStatus.RUNNING);
    assertThat(service.statusOf(ended)).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(service.admin().users().list()).noneMatch(u -> u.name().equals(user));
  }

  // --- delete and flush ---

  @Test
  void a_running_job_cannot_be_deleted_and_an_ended_one_is_deleted_after_the_yes() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, true);
    String id = service.running("deleted");

    JsonNode notYet = failed(tools.call("delete_job", "job_id", id));
    assertThat(notYet.get("outcome").asString()).isEqualTo("NOT_ALLOWED_IN_STATE");
    assertThat(notYet.get("reason").asString()).isEqualTo("not_allowed_in_state");
    assertThat(notYet.get("message").asString()).contains("stop it first");
    assertThat(notYet.has("confirmation_token")).isFalse();

    service.finish(id);
    String token = token(ok(tools.call("delete_job", "job_id", id, "purge_artifacts", true)));
    assertThat(service.proxy().count("DELETE", "/api/v1/jobs/" + id)).isZero();
    JsonNode done =
        ok(
            tools.call(
                "delete_job", "job_id", id, "purge_artifacts", true, "confirmation_token", token));

    assertThat(done.get("outcome").asString()).isEqualTo("APPLIED");
    assertThat(done.get("verified").asBoolean()).isTrue();
    assertThat(asked).singleElement().satisfies(p -> assertThat(p.action()).isEqualTo("delete"));
    assertThat(service.proxy().count("DELETE", "/api/v1/jobs/" + id)).isEqualTo(1);
    assertThatThrownBy(() -> service.direct().jobs().get(id)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void in_auto_mode_a_flush_names_its_jobs_then_stops_and_removes_them_and_reports_counts() {
    CheckedTools tools = service.tools(ConfirmationMode.AUTO);
    String a = service.running("flush-a");
    String b = service.running("flush-b");

    JsonNode first = ok(tools.call("flush_jobs", "scope", "active"));
    assertThat(first.get("precheck").get("job_count").asInt()).isEqualTo(2);
    assertThat(first.get("precheck").get("job_ids"))
        .extracting(JsonNode::asString)
        .containsExactlyInAnyOrder(a, b);
    assertThat(first.get("prompt").asString())
        .contains("removes 2 job(s)")
        .contains("\"flush-a\" (" + a + ", RUNNING, " + service.user() + ")")
        .contains("\"flush-b\" (" + b + ", RUNNING, " + service.user() + ")")
        .endsWith("[yes/no]");
    assertThat(service.stopsOf(a) + service.stopsOf(b)).isZero();
    JsonNode done =
        ok(tools.call("flush_jobs", "scope", "active", "confirmation_token", token(first)));

    assertThat(done.get("outcome").asString()).isEqualTo("APPLIED");
    assertThat(done.get("approved_by").asString()).isEqualTo("auto");
    assertThat(done.get("flush").get("matched").asInt()).isEqualTo(2);
    assertThat(done.get("flush").get("deleted").asInt()).isEqualTo(2);
    assertThat(done.get("flush").get("removed_models").asInt()).isZero();
    assertThat(done.get("flush").get("removed_results").asInt()).isZero();
    assertThat(done.get("flush").get("skipped")).isEmpty();
    assertThat(done.get("flush").get("operation_id").asString()).startsWith("flush_");
    assertThat(done.get("flush").get("operation_status").asString()).isEqualTo("succeeded");
    assertThatThrownBy(() -> service.direct().jobs().get(a)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> service.direct().jobs().get(b)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void a_flush_still_running_when_the_call_stops_following_names_its_operation_to_follow() {
    // Followed for no time at all: the call answers with the operation as the service started it.
    CheckedTools tools =
        new CheckedTools(
            ToolExecutor.builder(service.agent())
                .mode(ConfirmationMode.AUTO)
                .verifyTimeout(java.time.Duration.ZERO)
                .build());
    String id = service.running("flush-later");
    JsonNode first = ok(tools.call("flush_jobs", "scope", "active"));

    JsonNode done =
        ok(tools.call("flush_jobs", "scope", "active", "confirmation_token", token(first)));

    assertThat(done.get("status").asString()).isEqualTo("done");
    assertThat(done.get("outcome").asString()).isEqualTo("UNVERIFIED");
    assertThat(done.get("flush").get("operation_status").asString()).isEqualTo("running");
    String operation = done.get("flush").get("operation_id").asString();
    assertThat(done.get("message").asString())
        .contains(operation + " is still running")
        .contains("/api/v1/operations/" + operation);
    JsonNode followed =
        ok(tools.call("get_operation", "operation_id", operation, "timeout_seconds", 40));
    assertThat(followed.get("operation_id").asString()).isEqualTo(operation);
    assertThat(followed.get("status").asString()).isEqualTo("succeeded");
    assertThat(followed.get("still_running").asBoolean()).isFalse();
    assertThat(followed.get("matched").asInt()).isEqualTo(1);
    assertThat(followed.get("deleted").asInt()).isEqualTo(1);
    assertThat(followed.get("removed_models").asInt()).isZero();
    assertThat(followed.get("removed_results").asInt()).isZero();
    assertThat(followed.get("message").asString()).contains("has ended");
    assertThatThrownBy(() -> service.direct().jobs().get(id)).isInstanceOf(NotFoundException.class);
    JsonNode unknown =
        failed(tools.call("get_operation", "operation_id", "flush_00000000000000000000000000"));
    assertThat(unknown.get("error").get("code").asString()).isEqualTo("not_found");
  }

  // --- running code ---

  @Test
  void submit_job_shows_exactly_what_will_run_and_runs_it_only_after_the_hosts_yes() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, true);
    List<String> command = List.of("sh", "-c", "echo \"hi\"\necho done");
    Object[] args = {
      "command",
      command,
      "display_name",
      "greeter",
      "env",
      List.of(Map.of("name", "MODE", "value", "fast")),
      "max_attempts",
      2
    };

    JsonNode first = ok(tools.call("submit_job", args));
    assertThat(service.submissions()).isZero();
    JsonNode done = ok(tools.call("submit_job", withToken(args, token(first))));

    assertThat(first.get("precheck").get("action").asString()).isEqualTo("submit");
    assertThat(first.get("prompt").asString())
        .isEqualTo(
            "An agent wants to submit a job. It runs real code on the service with your rights:"
                + " job \"greeter\", command [\"sh\",\"-c\",\"echo \\\"hi\\\"\\necho done\"],"
                + " environment MODE=\"fast\", up to 2 attempts. Run this job? [yes/no]");
    assertThat(done.get("status").asString()).isEqualTo("done");
    assertThat(done.get("outcome").asString()).isEqualTo("APPLIED");
    assertThat(done.get("approved_by").asString()).isEqualTo("host");
    JsonNode job = done.get("job");
    assertThat(job.get("display_name").asString()).isEqualTo("greeter");
    assertThat(job.has("command")).as("result views leave the command out").isFalse();
    assertThat(asked).singleElement().satisfies(p -> assertThat(p.action()).isEqualTo("submit"));
    assertThat(service.submissions()).isEqualTo(1);
    Job submitted =
        service
            .direct()
            .jobs()
            .await(job.get("id").asString(), JobStatus::isTerminal, AgentService.PATIENCE);
    assertThat(submitted.command()).isEqualTo(command);
    assertThat(submitted.status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void a_shell_script_is_shown_as_one_json_string_with_its_line_breaks_escaped() {
    CheckedTools tools = service.tools(ConfirmationMode.AUTO);

    JsonNode first = ok(tools.call("submit_job", "shell", "echo 'a'\necho \"b\"\u202e"));

    assertThat(first.get("prompt").asString())
        .contains("shell script \"echo 'a'\\necho \\\"b\\\"\\u202e\".")
        .doesNotContain("\n")
        .doesNotContain("\u202e");
    assertThat(service.submissions()).isZero();
  }

  @Test
  void submit_jobs_runs_a_pipeline_whose_parents_name_refs_after_one_yes() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, true);
    Object[] args = {
      "jobs",
      List.of(
          Map.of("ref", "fetch", "display_name", "fetch data", "command", List.of("true")),
          Map.of(
              "ref",
              "build",
              "display_name",
              "build",
              "shell",
              "echo built",
              "parents",
              List.of("fetch")))
    };

    JsonNode first = ok(tools.call("submit_jobs", args));
    assertThat(service.submissions()).isZero();
    JsonNode done = ok(tools.call("submit_jobs", withToken(args, token(first))));

    assertThat(first.get("prompt").asString())
        .startsWith("An agent wants to submit a pipeline of 2 jobs.")
        .contains(
            "1. (ref fetch) job \"fetch data\", command [\"true\"];"
                + " 2. (ref build) job \"build\", shell script \"echo built\", after fetch.")
        .endsWith("Run these 2 jobs? [yes/no]");
    assertThat(done.get("outcome").asString()).isEqualTo("APPLIED");
    JsonNode jobs = done.get("jobs");
    assertThat(jobs).hasSize(2);
    String fetch = jobs.get(0).get("id").asString();
    assertThat(jobs.get(1).get("parents")).extracting(JsonNode::asString).containsExactly(fetch);
    assertThat(asked).hasSize(1);
    assertThat(service.proxy().count("POST", "/api/v1/jobs/batch")).isEqualTo(1);
    assertThat(service.proxy().count("POST", "/api/v1/jobs")).isZero();
    assertThat(
            service
                .direct()
                .jobs()
                .await(
                    jobs.get(1).get("id").asString(), JobStatus::isTerminal, AgentService.PATIENCE)
                .status())
        .isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void an_idempotency_key_makes_a_confirmed_retry_return_the_job_already_submitted() {
    CheckedTools tools = service.tools(ConfirmationMode.AUTO);
    Object[] args = {"command", List.of("true"), "idempotency_key", UUID.randomUUID().toString()};

    String once = ok(tools.callTwice("submit_job", args)).get("job").get("id").asString();
    String again = ok(tools.callTwice("submit_job", args)).get("job").get("id").asString();

    assertThat(again).isEqualTo(once);
  }

  // --- elicitation: one call ---

  @Test
  void with_elicitation_one_call_asks_the_person_and_answers_with_the_outcome() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CallContext person =
        CallContext.of(
            ConfirmationMode.ELICIT,
            p -> {
              asked.add(p);
              return HumanGate.Answer.YES;
            });
    CheckedTools tools = service.tools(ConfirmationMode.DENY);
    String id = service.running("elicited");

    JsonNode stopped = ok(tools.call("stop_job", person, "job_id", id));
    JsonNode submitted = ok(tools.call("submit_job", person, "command", List.of("true")));

    assertThat(stopped.get("status").asString()).isEqualTo("done");
    assertThat(stopped.get("outcome").asString()).isEqualTo("APPLIED");
    assertThat(stopped.get("approved_by").asString()).isEqualTo("human");
    assertThat(stopped.has("confirmation_token")).isFalse();
    assertThat(submitted.get("approved_by").asString()).isEqualTo("human");
    assertThat(submitted.get("job").get("id").asString()).startsWith("job_");
    assertThat(asked).extracting(Precheck::action).containsExactly("stop", "submit");
    assertThat(asked.get(0).prompt()).contains(id).endsWith("Stop it? [yes/no]");
    assertThat(service.stopsOf(id)).isEqualTo(1);
    assertThat(service.submissions()).isEqualTo(1);
  }

  // --- admin writes ---

  @Test
  void an_admin_creates_a_user_and_sets_its_scheduling_mode_each_after_the_hosts_yes() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools admin =
        new CheckedTools(
            ToolExecutor.builder(service.adminAgent())
                .mode(ConfirmationMode.HOST)
                .confirmer(
                    p -> {
                      asked.add(p);
                      return true;
                    })
                .build());
    String name = "created-" + UUID.randomUUID().toString().substring(0, 8);

    JsonNode first = ok(admin.call("create_user", "name", name, "scheduling_mode", "serial"));
    assertThat(first.get("prompt").asString())
        .isEqualTo(
            "An agent wants to create a user. It creates user \""
                + name
                + "\" with role user and scheduling mode serial; users cannot be removed through"
                + " the API. Create it? [yes/no]");
    assertThat(service.proxy().count("POST", "/api/v1/users")).isZero();
    JsonNode created =
        ok(
            admin.call(
                "create_user",
                "name",
                name,
                "scheduling_mode",
                "serial",
                "confirmation_token",
                token(first)));
    JsonNode again = failed(admin.call("create_user", "name", name));
    JsonNode modeFirst =
        ok(admin.call("set_scheduling_mode", "user", name, "scheduling_mode", "parallel"));
    JsonNode changed =
        ok(
            admin.call(
                "set_scheduling_mode",
                "user",
                name,
                "scheduling_mode",
                "parallel",
                "confirmation_token",
                token(modeFirst)));

    assertThat(created.get("user").get("scheduling_mode").asString()).isEqualTo("serial");
    assertThat(created.get("approved_by").asString()).isEqualTo("host");
    assertThat(again.get("reason").asString()).isEqualTo("not_allowed_in_state");
    assertThat(again.get("message").asString()).contains("exists already");
    assertThat(modeFirst.get("prompt").asString())
        .contains("User \"" + name + "\" goes from serial to parallel");
    assertThat(changed.get("user").get("scheduling_mode").asString()).isEqualTo("parallel");
    assertThat(asked)
        .extracting(Precheck::action)
        .containsExactly("create_user", "set_scheduling_mode");
    User user =
        service.admin().users().list().stream()
            .filter(u -> u.name().equals(name))
            .findFirst()
            .orElseThrow();
    assertThat(user.schedulingMode()).isEqualTo(SchedulingMode.PARALLEL);
    assertThat(service.proxy().count("POST", "/api/v1/users")).isEqualTo(1);
    assertThat(service.proxy().count("PUT", "/api/v1/users/" + name + "/scheduling")).isEqualTo(1);
  }

  // --- the token's arguments ---

  @Test
  void null_arguments_as_openai_strict_mode_sends_them_bind_the_same_token_as_left_out_ones() {
    CheckedTools tools = service.host(new CopyOnWriteArrayList<>(), true);
    String id = service.running("strict");
    String token = token(ok(tools.call("stop_job", "job_id", id, "confirmation_token", null)));

    JsonNode done = ok(tools.call("stop_job", "job_id", id, "confirmation_token", token));

    assertThat(done.get("outcome").asString()).isEqualTo("APPLIED");
  }

  @Test
  void a_token_lifetime_over_two_minutes_is_refused_at_build_time() {
    assertThatThrownBy(
            () ->
                ToolExecutor.builder(service.agent())
                    .tokenLifetime(Duration.ofMinutes(2).plusSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 2 minutes");
  }
}
