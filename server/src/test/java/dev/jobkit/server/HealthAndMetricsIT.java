package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator's endpoints: health, readiness and Prometheus metrics, without an API key. */
class HealthAndMetricsIT {

  private static final String SUCCEEDED_TOTAL = "jobkit_transitions_total{to=\"SUCCEEDED\"} ";

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  @Test
  void health_and_readiness_answer_up_without_a_key() {
    Api anonymous = service.server().anonymous();
    assertThat(anonymous.get("/healthz").expect(200).json().get("status").asString())
        .isEqualTo("UP");
    assertThat(anonymous.get("/readyz").expect(200).json().get("status").asString())
        .isEqualTo("UP");
    assertThat(anonymous.get("/livez").expect(200).json().get("status").asString()).isEqualTo("UP");
  }

  @Test
  void metrics_count_transitions_and_show_the_executor_slots() {
    // Other classes' jobs move the service-wide counter too: this job's success adds at least one.
    double before = succeededTotal(metrics());
    Job job = service.user().submit("{\"command\":[\"true\"]}");
    service.user().awaitStatus(job.id(), JobStatus.SUCCEEDED);

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> succeededTotal(metrics()) >= before + 1);
    assertThat(metrics()).contains("jobkit_executor_slots " + JobkitService.SHARED_SLOTS + ".0");
  }

  @Test
  void metrics_leave_out_tomcats_sessions_and_keep_the_jvms() {
    // Tomcat's binder is excluded (application.yml): it had only session gauges, for sessions the
    // service never makes, and creating the platform MBean server for them delayed readiness.
    assertThat(metrics()).doesNotContain("tomcat_sessions").contains("jvm_memory_used_bytes");
  }

  private static String metrics() {
    return service.server().anonymous().get("/metrics").expect(200).body();
  }

  private static double succeededTotal(String metrics) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(SUCCEEDED_TOTAL))
        .mapToDouble(l -> Double.parseDouble(l.substring(SUCCEEDED_TOTAL.length())))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + SUCCEEDED_TOTAL + "in " + metrics));
  }
}
