package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.lifecycle.JobStatus;
import org.junit.jupiter.api.Test;

class JobQueryTest {

  @Test
  void a_status_is_taken_by_name_or_alias_in_any_case() {
    assertThat(JobQuery.builder().status("Running").status("cancelled").build().toParameters())
        .containsEntry(
            "status", java.util.List.of(JobStatus.RUNNING.name(), JobStatus.CANCELED.name()));
  }

  @Test
  void an_unknown_status_is_a_validation_failure_naming_the_field_like_the_service_gives() {
    assertThatThrownBy(() -> JobQuery.builder().status("bogus"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.code()).hasValue("validation_failed");
              assertThat(e.requestId()).isEmpty();
              assertThat(e.errors())
                  .singleElement()
                  .satisfies(
                      f -> {
                        assertThat(f.field()).isEqualTo("status");
                        assertThat(f.reason()).startsWith("unknown job status 'bogus'");
                      });
            })
        .hasMessage("the job query is not valid [validation_failed]");
  }
}
