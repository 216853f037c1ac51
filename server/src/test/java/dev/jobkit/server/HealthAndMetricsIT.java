package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator's endpoints: health, readiness and Prometheus metrics, without an API key. */
class HealthAndMetricsIT {

  static JobkitServer server;

  @BeforeAll
  static void start() {
    server = JobkitServer.start("--jobkit.executor.slots=3");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void health_and_readiness_answer_up_without_a_key() {
    Api anonymous = server.anonymous();
    assertThat(anonymous.get("/healthz").expect(200).json().get("status").asString())
        .isEqualTo("UP");
    assertThat(anonymous.get("/readyz").expect(200).json().get("status").asString())
        .isEqualTo("UP");
    assertThat(anonymous.get("/livez").expect(200).json().get("status").asString()).isEqualTo("UP");
  }

  @Test
  void metrics_count_transitions_and_show_the_executor_slots() {
    Job job = server.admin().submit("{\"command\":[\"true\"]}");
    server.admin().awaitStatus(job.id(), JobStatus.SUCCEEDED);

    String metrics = server.anonymous().get("/metrics").expect(200).body();

    assertThat(metrics)
        .containsPattern("jobkit_transitions_total\\{to=\"SUCCEEDED\"} [1-9]")
        .contains("jobkit_executor_slots 3.0");
  }
}
