package dev.jobkit.tools.executor;

import static dev.jobkit.tools.executor.CheckedTools.failed;
import static dev.jobkit.tools.executor.CheckedTools.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.tools.registry.Inputs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code wait_for_job} within a client's request timeout: one call waits at most the executor's
 * call limit, followed or not, and says to call again when more was asked; a followed call reports
 * where it stands every few seconds and stops when the caller cancels. The test that waits a limit
 * out sets it to 11 s instead of the default 45 s (which {@code CallLimitTest} pins below the 60 s
 * MCP clients wait).
 */
class WaitForJobIT {

  @RegisterExtension static final AgentService service = new AgentService();

  @Test
  void a_wait_that_times_out_says_so_with_the_job_as_last_seen() {
    String id = service.running("slow");

    JsonNode waited =
        ok(
            service
                .tools(ConfirmationMode.DENY)
                .call("wait_for_job", "job_id", id, "timeout_seconds", 1));

    assertThat(waited.get("reached").asBoolean()).isFalse();
    assertThat(waited.get("timed_out").asBoolean()).isTrue();
    assertThat(waited.get("still_waiting").asBoolean()).isFalse();
    assertThat(waited.get("job").get("status").asString()).isEqualTo("RUNNING");
  }

  @Test
  void a_wait_longer_than_the_call_limit_returns_within_it_saying_to_call_again_followed_or_not()
      throws Exception {
    // Reports are due at 5, 10 and 15 s: two of them arrive even when a loaded machine delays a
    // loop turn by seconds (with 11 s, a re-read late past 10 s left only one: a CI failure).
    int limit = 16;
    CheckedTools tools =
        new CheckedTools(
            ToolExecutor.builder(service.agent())
                .mode(ConfirmationMode.DENY)
                .callLimit(Duration.ofSeconds(limit))
                .build());
    String id = service.running("long");
    List<Double> done = new CopyOnWriteArrayList<>();
    List<Double> totals = new CopyOnWriteArrayList<>();
    CallContext followed =
        CallContext.of(ConfirmationMode.DENY, null)
            .following(
                (seconds, total, message) -> {
                  done.add(seconds);
                  totals.add(total);
                },
                () -> false);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      long start = System.nanoTime();
      Future<ToolResult> plain =
          callers.submit(() -> tools.call("wait_for_job", "job_id", id, "timeout_seconds", 120));
      Future<ToolResult> following =
          callers.submit(
              () -> tools.call("wait_for_job", followed, "job_id", id, "timeout_seconds", 120));
      List<JsonNode> early =
          List.of(ok(plain.get(60, TimeUnit.SECONDS)), ok(following.get(60, TimeUnit.SECONDS)));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      service.open(id);
      JsonNode again = ok(tools.call("wait_for_job", "job_id", id, "timeout_seconds", 120));

      assertThat(early)
          .allSatisfy(
              answer -> {
                assertThat(answer.get("still_waiting").asBoolean()).isTrue();
                assertThat(answer.get("timed_out").asBoolean()).isFalse();
                assertThat(answer.get("reached").asBoolean()).isFalse();
                assertThat(answer.get("message").asString()).contains("call wait_for_job again");
                assertThat(answer.get("job").get("status").asString()).isEqualTo("RUNNING");
              });
      assertThat(took)
          .isBetween(
              Duration.ofSeconds(limit),
              Duration.ofSeconds(59)); // inside the 60 s MCP clients wait by default
      assertThat(done.size()).as("one report every 5 s").isGreaterThanOrEqualTo(2);
      assertThat(done).isSorted();
      assertThat(totals).containsOnly((double) limit);
      assertThat(again.get("reached").asBoolean()).isTrue();
      assertThat(again.get("job").get("status").asString()).isEqualTo("SUCCEEDED");
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void a_followed_wait_reports_progress_and_stops_when_the_caller_cancels() {
    String id = service.running("canceled-wait");
    AtomicBoolean canceled = new AtomicBoolean();
    List<String> messages = new CopyOnWriteArrayList<>();
    List<Double> totals = new CopyOnWriteArrayList<>();
    CallContext call =
        CallContext.of(ConfirmationMode.DENY, null)
            .following(
                (done, total, message) -> {
                  messages.add(message);
                  totals.add(total);
                  canceled.set(true);
                },
                canceled::get);

    JsonNode error =
        failed(
                service
                    .tools(ConfirmationMode.DENY)
                    .call("wait_for_job", call, "job_id", id, "timeout_seconds", 300))
            .get("error");

    assertThat(error.get("code").asString()).isEqualTo("canceled");
    assertThat(messages).singleElement().asString().contains(id).contains("RUNNING");
    assertThat(totals).containsExactly((double) Inputs.WAIT_CALL_LIMIT_SECONDS);
    assertThat(service.statusOf(id)).isEqualTo(JobStatus.RUNNING);
  }
}
