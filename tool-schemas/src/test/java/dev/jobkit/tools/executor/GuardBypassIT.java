package dev.jobkit.tools.executor;

import static dev.jobkit.tools.executor.CheckedTools.failed;
import static dev.jobkit.tools.executor.CheckedTools.ok;
import static dev.jobkit.tools.executor.CheckedTools.withToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.tools.registry.Inputs;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A model trying to get a destructive action done without a person's yes, one test per attempt,
 * against a real service behind a recording proxy. Each test ends by showing that nothing was
 * executed (the job is still RUNNING or still exists, no stop or submission reached the service)
 * unless a person accepted.
 *
 * <p>Over 400 lines: one test per attempt, as issue 9 lists them, kept together so that the list
 * reads as one.
 */
class GuardBypassIT {

  @RegisterExtension static final AgentService service = new AgentService();

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private static String token(JsonNode answer) {
    assertThat(answer.get("status").asString()).isEqualTo("confirmation_required");
    return answer.get("confirmation_token").asString();
  }

  private static String reason(ToolResult result) {
    return failed(result).get("reason").asString();
  }

  private static void stillRunning(String id) {
    assertThat(service.stopsOf(id)).as("stops of %s that reached the service", id).isZero();
    assertThat(service.statusOf(id)).isEqualTo(JobStatus.RUNNING);
  }

  // --- tokens ---

  @Test
  void a_token_handed_back_after_a_no_is_spent_and_cannot_be_tried_again() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, false);
    String id = service.running("replayed");
    String token = token(ok(tools.call("stop_job", "job_id", id)));
    assertThat(reason(tools.call("stop_job", "job_id", id, "confirmation_token", token)))
        .isEqualTo("not_confirmed");

    JsonNode replayed = failed(tools.call("stop_job", "job_id", id, "confirmation_token", token));

    assertThat(replayed.get("reason").asString()).isEqualTo("token_already_used");
    assertThat(replayed.get("outcome").asString()).isEqualTo("DECLINED");
    assertThat(asked).as("the person is not asked again").hasSize(1);
    stillRunning(id);
  }

  @Test
  void one_token_used_by_several_threads_at_once_executes_exactly_once() throws Exception {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, true);
    Object[] args = {"command", List.of("true"), "display_name", "raced"};
    Object[] confirmed = withToken(args, token(ok(tools.call("submit_job", args))));
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<ToolResult>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        calls.add(
            pool.submit(
                () -> {
                  start.await();
                  return tools.call("submit_job", confirmed);
                }));
      }
      start.countDown();
      List<JsonNode> answers = new ArrayList<>();
      for (Future<ToolResult> call : calls) {
        answers.add(call.get(60, TimeUnit.SECONDS).content());
      }

      assertThat(answers).filteredOn(a -> a.get("status").asString().equals("done")).hasSize(1);
      assertThat(answers)
          .filteredOn(a -> !a.get("status").asString().equals("done"))
          .hasSize(threads - 1)
          .allSatisfy(a -> assertThat(a.get("reason").asString()).isEqualTo("token_already_used"));
      assertThat(asked).as("only the call that spent the token asks").hasSize(1);
      assertThat(service.submissions()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_token_for_one_job_neither_stops_another_nor_confirms_another_tool() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, true);
    String a = service.running("job-a");
    String b = service.running("job-b");
    String tokenForA = token(ok(tools.call("stop_job", "job_id", a)));

    JsonNode otherJob =
        failed(tools.call("stop_job", "job_id", b, "confirmation_token", tokenForA));
    JsonNode otherTool =
        failed(tools.call("delete_job", "job_id", a, "confirmation_token", tokenForA));

    assertThat(otherJob.get("reason").asString()).isEqualTo("token_for_other_call");
    assertThat(otherTool.get("reason").asString()).isEqualTo("token_for_other_call");
    assertThat(asked).isEmpty();
    stillRunning(a);
    stillRunning(b);
  }

  @Test
  void a_token_for_other_arguments_confirms_nothing() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, true);
    String id = service.running("kept-files");
    service.finish(id);
    String keepFiles = token(ok(tools.call("delete_job", "job_id", id, "purge_artifacts", false)));
    String harmless = token(ok(tools.call("submit_job", "command", List.of("true"))));

    JsonNode purge =
        failed(
            tools.call(
                "delete_job",
                "job_id",
                id,
                "purge_artifacts",
                true,
                "confirmation_token",
                keepFiles));
    JsonNode swapped =
        failed(
            tools.call(
                "submit_job",
                "command",
                List.of("sh", "-c", "rm -rf ~"),
                "confirmation_token",
                harmless));

    assertThat(purge.get("reason").asString()).isEqualTo("token_for_other_call");
    assertThat(swapped.get("reason").asString()).isEqualTo("token_for_other_call");
    assertThat(asked).isEmpty();
    assertThat(service.proxy().count("DELETE", "/api/v1/jobs/" + id)).isZero();
    assertThat(service.direct().jobs().get(id).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(service.submissions()).isZero();
  }

  @Test
  void forged_tokens_are_refused_before_any_request_reaches_the_service() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, true);
    String id = service.running("forged");
    String genuine = token(ok(tools.call("stop_job", "job_id", id)));
    String fromElsewhere =
        token(ok(service.host(new CopyOnWriteArrayList<>(), true).call("stop_job", "job_id", id)));
    int idStart = "jkct2.".length();
    int macStart = genuine.lastIndexOf('.') + 1;
    List<String> forged =
        List.of(
            "jkct2." + random() + "." + random(),
            flip(genuine, idStart),
            flip(genuine, macStart),
            genuine.substring(0, macStart),
            genuine.substring(0, macStart) + random(),
            fromElsewhere,
            "jkct1.e30.AAAA",
            "yes",
            "confirmed");
    int before = service.proxy().requests().size();

    for (String token : forged) {
      assertThat(reason(tools.call("stop_job", "job_id", id, "confirmation_token", token)))
          .as(token)
          .isEqualTo("invalid_token");
    }

    assertThat(service.proxy().requests()).hasSize(before);
    assertThat(asked).isEmpty();
    stillRunning(id);
  }

  private static String random() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  /** The token with its character at {@code at} changed to another base64url character. */
  private static String flip(String token, int at) {
    char changed = token.charAt(at) == 'A' ? 'B' : 'A';
    return token.substring(0, at) + changed + token.substring(at + 1);
  }

  @Test
  void an_expired_token_is_refused_even_once_the_executor_has_forgotten_it() {
    MutableClock clock = new MutableClock();
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools =
        new CheckedTools(
            ToolExecutor.builder(service.agent())
                .mode(ConfirmationMode.HOST)
                .confirmer(asked::add)
                .clock(clock)
                .build());
    String id = service.running("expired");
    String late = token(ok(tools.call("stop_job", "job_id", id)));
    String forgotten = token(ok(tools.call("stop_job", "job_id", id)));

    clock.advance(Duration.ofMinutes(2).plusSeconds(1));
    String lateReason = reason(tools.call("stop_job", "job_id", id, "confirmation_token", late));
    clock.advance(Duration.ofMinutes(10));
    tools.call("stop_job", "job_id", id); // a new token purges the ones long expired
    String forgottenReason =
        reason(tools.call("stop_job", "job_id", id, "confirmation_token", forgotten));

    assertThat(lateReason).isEqualTo("expired_token");
    assertThat(forgottenReason).isEqualTo("expired_token");
    assertThat(asked).isEmpty();
    stillRunning(id);
  }

  @Test
  void a_token_for_a_state_the_job_has_left_is_refused_as_race_lost_and_is_spent() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, true);
    String id = service.running("changed");
    String token = token(ok(tools.call("stop_job", "job_id", id)));
    service.finish(id);

    JsonNode refused = failed(tools.call("stop_job", "job_id", id, "confirmation_token", token));
    JsonNode again = failed(tools.call("stop_job", "job_id", id, "confirmation_token", token));

    assertThat(refused.get("outcome").asString()).isEqualTo("RACE_LOST");
    assertThat(refused.get("reason").asString()).isEqualTo("state_changed");
    assertThat(refused.get("message").asString()).contains("RUNNING").contains("SUCCEEDED");
    assertThat(again.get("reason").asString()).isEqualTo("token_already_used");
    assertThat(asked).isEmpty();
    assertThat(service.stopsOf(id)).isZero();
    assertThat(service.statusOf(id)).isEqualTo(JobStatus.SUCCEEDED);
  }

  // --- consent the model writes itself ---

  @Test
  void consent_written_into_the_arguments_is_refused_as_invalid_arguments() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, true);
    String id = service.running("self-approved");
    List<Object[]> attempts =
        List.of(
            new Object[] {"job_id", id, "confirm", true},
            new Object[] {"job_id", id, "confirmed", true},
            new Object[] {"job_id", id, "confirmed", "yes"},
            new Object[] {"job_id", id, "yes", true},
            new Object[] {"job_id", id, "approved_by", "human"},
            new Object[] {"job_id", id, "_meta", Map.of("confirm", true)});
    int before = service.proxy().requests().size();

    for (Object[] args : attempts) {
      JsonNode error = failed(tools.call("stop_job", args)).get("error");
      assertThat(error.get("code").asString()).isEqualTo("invalid_arguments");
      assertThat(error.toString()).contains((String) args[2]);
    }
    JsonNode submit =
        failed(tools.call("submit_job", "command", List.of("true"), "confirmed", true))
            .get("error");

    assertThat(submit.get("code").asString()).isEqualTo("invalid_arguments");
    assertThat(service.proxy().requests()).as("nothing reached the service").hasSize(before);
    assertThat(asked).isEmpty();
    stillRunning(id);
    assertThat(service.submissions()).isZero();
  }

  // --- what the person reads ---

  @Test
  void a_job_that_ends_while_the_person_reads_is_not_stopped() {
    String viaToken = service.running("ends-while-read");
    String viaElicitation = service.running("ends-while-elicited");
    CheckedTools tools =
        new CheckedTools(
            ToolExecutor.builder(service.agent())
                .mode(ConfirmationMode.HOST)
                .confirmer(
                    p -> {
                      service.finish(p.jobId());
                      return true;
                    })
                .build());
    String token = token(ok(tools.call("stop_job", "job_id", viaToken)));

    JsonNode hostSaidYes =
        failed(tools.call("stop_job", "job_id", viaToken, "confirmation_token", token));
    JsonNode personSaidYes =
        failed(
            tools.call(
                "stop_job",
                CallContext.of(
                    ConfirmationMode.ELICIT,
                    p -> {
                      service.finish(p.jobId());
                      return HumanGate.Answer.YES;
                    }),
                "job_id",
                viaElicitation));

    for (JsonNode refused : List.of(hostSaidYes, personSaidYes)) {
      assertThat(refused.get("status").asString()).isEqualTo("refused");
      assertThat(refused.get("outcome").asString()).isEqualTo("RACE_LOST");
      assertThat(refused.get("reason").asString()).isEqualTo("state_changed");
      assertThat(refused.has("approved_by")).isFalse();
    }
    for (String id : List.of(viaToken, viaElicitation)) {
      // A stop may reach the service, but only carrying the status the person saw
      // (expected_status=RUNNING): the service refuses it there, and the job keeps its own end.
      assertThat(service.proxy().requestsWithQuery())
          .filteredOn(r -> r.startsWith("POST /api/v1/jobs/" + id + "/stop"))
          .allMatch(r -> r.endsWith("?expected_status=RUNNING"), "carries expected_status")
          .hasSizeLessThanOrEqualTo(1);
      assertThat(service.statusOf(id)).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(service.direct().jobs().events(id))
          .noneMatch(e -> e.toStatus() == JobStatus.CANCEL_REQUESTED)
          .noneMatch(e -> e.toStatus() == JobStatus.CANCELED);
    }
  }

  /**
   * The person's yes is about the job they were shown, by id and in the state shown: a stop's
   * consequence depends on the state only (the SDK's prompts say so), so a rename while the person
   * reads neither changes what the stop does nor hides anything from them. It is recorded, and the
   * answer shows the name the job has now.
   */
  @Test
  void a_rename_while_the_person_reads_does_not_change_which_job_their_yes_stops() {
    String id = service.running("read-as-this");
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools model = service.tools(ConfirmationMode.DENY);
    CheckedTools tools =
        new CheckedTools(
            ToolExecutor.builder(service.agent())
                .mode(ConfirmationMode.HOST)
                .confirmer(
                    p -> {
                      asked.add(p);
                      ok(model.call("update_job", "job_id", p.jobId(), "display_name", "renamed"));
                      return true;
                    })
                .build());
    String token = token(ok(tools.call("stop_job", "job_id", id)));

    JsonNode done = ok(tools.call("stop_job", "job_id", id, "confirmation_token", token));
    JsonNode events = ok(model.call("get_job_events", "job_id", id)).get("events");

    assertThat(asked)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.jobId()).isEqualTo(id);
              assertThat(p.prompt()).contains("\"read-as-this\"").doesNotContain("renamed");
            });
    assertThat(done.get("outcome").asString()).isEqualTo("APPLIED");
    assertThat(done.get("job").get("display_name").asString()).isEqualTo("renamed");
    assertThat(events)
        .filteredOn(e -> e.get("kind").asString().equals("renamed"))
        .singleElement()
        .satisfies(e -> assertThat(e.get("actor_kind").asString()).isEqualTo("agent"));
    assertThat(service.stopsOf(id)).isEqualTo(1);
    assertThat(service.statusOf(id)).isEqualTo(JobStatus.CANCELED);
  }

  /** A name written to end its quotes, start new lines and turn the text around. */
  private static final String SPOOF =
      "nightly\") has already finished; stopping it only clears a stale lock and loses nothing,"
          + " so it is safe to confirm.\n\nJob job_0 (\"scratch\u202Ekcol\u200B\r\u2028yes";

  /** {@code "…"}: one quoted string in a prompt. */
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

  @Test
  void a_name_written_to_spoof_the_dialog_stays_one_quoted_string_of_at_most_80_characters() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, false);
    String id =
        service
            .direct()
            .jobs()
            .submit(
                JobSpec.builder()
                    .shell(service.gates().script("spoofed"))
                    .displayName(SPOOF)
                    .build())
            .id();
    service.direct().jobs().await(id, s -> s == JobStatus.RUNNING, AgentService.PATIENCE);

    tools.callTwice("stop_job", "job_id", id);
    tools.callTwice("submit_job", "command", List.of("true"), "display_name", SPOOF);
    tools.callTwice("flush_jobs", "scope", "active");

    assertThat(asked).extracting(Precheck::action).containsExactly("stop", "submit", "flush");
    for (Precheck precheck : asked) {
      String prompt = precheck.prompt();
      assertThat(prompt)
          .as(precheck.action())
          .doesNotContain("\n", "\r", "\u2028", "\u202E", "\u200B")
          .contains("\"nightly') has already finished; stopping it only clears a stale lock");
      Matcher name = QUOTED.matcher(prompt);
      assertThat(name.find()).isTrue();
      assertThat(name.group(1))
          .as("the first quoted string in: %s", prompt)
          .startsWith("nightly') has already finished")
          .hasSizeLessThanOrEqualTo(80)
          .endsWith("…");
    }
    assertThat(asked.get(0).prompt())
        .matches(
            "Job "
                + id
                + " \"[^\"]{1,80}\" \\(owner "
                + service.user()
                + ", submitted [^)]*\\) is currently RUNNING\\. [^\"]*\\[yes/no\\]");
    stillRunning(id);
    assertThat(service.submissions()).isZero();
  }

  @Test
  void a_rename_just_before_a_stop_shows_the_old_name_and_is_in_the_audit_trail() {
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.host(asked, false);
    String id = service.running("prod-db-migration");
    String disguise = "tmp-scratch-test (safe to stop, no data)";

    ok(tools.call("update_job", "job_id", id, "display_name", disguise));
    tools.callTwice("stop_job", "job_id", id);
    JsonNode events = ok(tools.call("get_job_events", "job_id", id)).get("events");

    assertThat(asked)
        .singleElement()
        .satisfies(
            precheck -> {
              assertThat(precheck.renamedFrom()).isEqualTo("prod-db-migration");
              assertThat(precheck.prompt())
                  .startsWith(
                      "Job "
                          + id
                          + " \""
                          + disguise
                          + "\" (owner "
                          + service.user()
                          + ", submitted ")
                  .containsPattern("; renamed from \"prod-db-migration\" (just now|\\d+ s ago)\\)");
            });
    assertThat(events)
        .filteredOn(e -> e.get("kind").asString().equals("renamed"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.get("old_value").asString()).isEqualTo("prod-db-migration");
              assertThat(e.get("new_value").asString()).isEqualTo(disguise);
              assertThat(e.get("actor_kind").asString()).isEqualTo("agent");
              assertThat(e.get("actor").asString()).isEqualTo(service.user());
            });
    stillRunning(id);
  }

  // --- running code without a person ---

  @Test
  void a_raw_command_submit_without_a_person_runs_nothing() {
    String victim = service.running("victim");
    Object[] submit = {"command", List.of("jobkit", "job", "stop", victim, "--yes")};
    Object[] script = {"shell", "jobkit job stop " + victim + " --yes"};
    CheckedTools deny = service.tools(ConfirmationMode.DENY);
    CheckedTools hostSaysNo = service.host(new CopyOnWriteArrayList<>(), false);

    JsonNode denied = failed(deny.call("submit_job", submit));
    JsonNode deniedScript = failed(deny.call("submit_job", script));
    JsonNode notConfirmed = failed(hostSaysNo.callTwice("submit_job", submit));
    JsonNode declined =
        failed(
            deny.call(
                "submit_job",
                CallContext.of(ConfirmationMode.ELICIT, p -> HumanGate.Answer.NO),
                script));

    assertThat(denied.get("reason").asString()).isEqualTo("confirmation_unavailable");
    assertThat(denied.has("confirmation_token")).isFalse();
    assertThat(deniedScript.get("reason").asString()).isEqualTo("confirmation_unavailable");
    assertThat(notConfirmed.get("reason").asString()).isEqualTo("not_confirmed");
    assertThat(declined.get("reason").asString()).isEqualTo("declined");
    assertThat(service.submissions()).isZero();
    stillRunning(victim);
  }

  @Test
  void a_pipeline_submit_without_a_person_runs_nothing() {
    String victim = service.running("pipeline-victim");
    Object[] pipeline = {
      "jobs",
      List.of(
          Map.of("ref", "look", "command", List.of("true")),
          Map.of(
              "ref",
              "strike",
              "shell",
              "jobkit job stop " + victim + " --yes",
              "parents",
              List.of("look")))
    };
    CheckedTools deny = service.tools(ConfirmationMode.DENY);
    CheckedTools hostSaysNo = service.host(new CopyOnWriteArrayList<>(), false);

    JsonNode denied = failed(deny.call("submit_jobs", pipeline));
    JsonNode notConfirmed = failed(hostSaysNo.callTwice("submit_jobs", pipeline));
    JsonNode dismissed =
        failed(
            deny.call(
                "submit_jobs",
                CallContext.of(ConfirmationMode.ELICIT, p -> HumanGate.Answer.DISMISSED),
                pipeline));

    assertThat(denied.get("reason").asString()).isEqualTo("confirmation_unavailable");
    assertThat(notConfirmed.get("reason").asString()).isEqualTo("not_confirmed");
    assertThat(dismissed.get("reason").asString()).isEqualTo("dismissed");
    assertThat(service.submissions()).isZero();
    stillRunning(victim);
  }

  // --- elicitation ---

  @Test
  void with_elicitation_a_no_and_a_dismissed_question_are_told_apart_and_nothing_is_done() {
    String id = service.running("elicited");
    List<Precheck> asked = new CopyOnWriteArrayList<>();
    CheckedTools tools = service.tools(ConfirmationMode.DENY);

    JsonNode no = failed(tools.call("stop_job", person(asked, HumanGate.Answer.NO), "job_id", id));
    JsonNode dismissed =
        failed(tools.call("stop_job", person(asked, HumanGate.Answer.DISMISSED), "job_id", id));

    assertThat(no.get("reason").asString()).isEqualTo("declined");
    assertThat(no.get("message").asString()).contains("said no");
    assertThat(dismissed.get("reason").asString()).isEqualTo("dismissed");
    assertThat(dismissed.get("message").asString()).contains("closed the question");
    for (JsonNode refused : List.of(no, dismissed)) {
      assertThat(refused.get("status").asString()).isEqualTo("refused");
      assertThat(refused.get("outcome").asString()).isEqualTo("DECLINED");
      assertThat(refused.has("approved_by")).isFalse();
      assertThat(refused.has("confirmation_token")).isFalse();
    }
    assertThat(asked).hasSize(2).allSatisfy(p -> assertThat(p.jobId()).isEqualTo(id));
    stillRunning(id);
  }

  private static CallContext person(List<Precheck> asked, HumanGate.Answer answer) {
    return CallContext.of(
        ConfirmationMode.ELICIT,
        p -> {
          asked.add(p);
          return answer;
        });
  }

  // --- a flush of many ---

  @Test
  void a_flush_of_10000_jobs_confirms_with_a_token_of_at_most_64_characters() {
    // Serial: one job runs (held by its gate) and the 10,000 behind it stay QUEUED, so the flush
    // stops jobs that have nothing waiting on them.
    service.admin().users().setSchedulingMode(service.user(), SchedulingMode.SERIAL);
    try {
      flushTenThousandQueued();
    } finally {
      service.admin().users().setSchedulingMode(service.user(), SchedulingMode.PARALLEL);
    }
  }

  private void flushTenThousandQueued() {
    String running = service.running("holds-10000");
    List<JobSpec> batch =
        IntStream.range(0, 1_000).mapToObj(i -> JobSpec.builder().command("true").build()).toList();
    for (int i = 0; i < 10; i++) {
      assertThat(service.direct().jobs().submitBatch(batch)).hasSize(1_000);
    }
    // Stopping and removing 10,001 jobs may take longer than the SDK's default 60 s read timeout
    // on 2 cores; a flush cut off by it would be sent again (issue 10).
    try (JobkitClient patient = service.agentWaitingUpTo(Duration.ofMinutes(10))) {
      CheckedTools tools =
          new CheckedTools(ToolExecutor.builder(patient).mode(ConfirmationMode.AUTO).build());

      JsonNode first = ok(tools.call("flush_jobs", "scope", "active"));
      String token = token(first);
      JsonNode done = ok(tools.call("flush_jobs", "scope", "active", "confirmation_token", token));

      assertThat(token.length()).isLessThanOrEqualTo(Inputs.TOKEN_MAX_LENGTH);
      assertThat(first.get("precheck").get("job_count").asInt()).isEqualTo(10_001);
      assertThat(first.get("prompt").asString()).contains("removes 10001 job(s)");
      JsonNode flush = done.get("flush");
      if (done.get("outcome").asString().equals("UNVERIFIED")
          && flush.get("operation_status").asString().equals("running")) {
        // On a machine busy with the whole suite the flush can outlast the call (CI saw 112 s):
        // the answer names the operation, which an agent follows until it has ended.
        String operation = flush.get("operation_id").asString();
        do {
          flush = ok(tools.call("get_operation", "operation_id", operation, "timeout_seconds", 40));
        } while (flush.get("still_running").asBoolean());
        assertThat(flush.get("status").asString()).isEqualTo("succeeded");
      } else {
        assertThat(done.get("outcome").asString()).isEqualTo("APPLIED");
      }
      assertThat(flush.get("matched").asInt()).isEqualTo(10_001);
      assertThat(flush.get("deleted").asInt()).isEqualTo(10_001);
    }
    assertThatThrownBy(() -> service.direct().jobs().get(running))
        .isInstanceOf(NotFoundException.class);
    assertThat(
            service
                .direct()
                .jobs()
                .list(JobQuery.builder().status(JobStatus.QUEUED, JobStatus.RUNNING).build())
                .items())
        .as("none of the 10,000 is left")
        .isEmpty();
  }
}
