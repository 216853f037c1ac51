package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.InvalidStateException;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.Problem;
import dev.jobkit.sdk.TransportException;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.jobs.Attempt;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.local.ServiceUnavailableException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExitsTest {

  private static Problem problem(int status, String code, String detail) {
    return new Problem(null, "title", status, detail, null, code, "req_1", null, null, null);
  }

  @Test
  void every_kind_of_failure_has_its_exit_code_and_a_sentence() {
    assertThat(Exits.of(new UsageException("bad"))).isEqualTo(new Exits.Failure(2, "bad"));
    assertThat(Exits.of(new RefusedException("no tty")).code()).isEqualTo(2);
    assertThat(Exits.of(new MissingException("no dataset ds_1; 'dataset list' shows yours")))
        .isEqualTo(new Exits.Failure(3, "no dataset ds_1; 'dataset list' shows yours"));
    assertThat(Exits.of(new NotFoundException(404, problem(404, "not_found", "no job x"), "r")))
        .isEqualTo(new Exits.Failure(3, "no job x"));
    assertThat(
            Exits.of(new InvalidStateException(409, problem(409, "invalid_state", "ended"), "r"))
                .code())
        .isEqualTo(4);
    assertThat(Exits.of(new TransportException("refused", new IOException("x"))).code())
        .isEqualTo(5);
    assertThat(Exits.of(new ServiceUnavailableException("no jar")).code()).isEqualTo(5);
    assertThat(Exits.of(new TimedOutException("timed out after 1s")))
        .isEqualTo(new Exits.Failure(124, "timed out after 1s"));
    assertThat(Exits.of(new IllegalStateException("odd"))).isEqualTo(new Exits.Failure(1, "odd"));
  }

  private static Job ended(JobStatus status, Integer exitCode) {
    List<Attempt> attempts =
        exitCode == null ? List.of() : List.of(new Attempt(1, null, null, status, exitCode, null));
    return new Job(
        "job_1",
        "x",
        null,
        "u",
        status,
        null,
        5,
        null,
        1,
        null,
        "true",
        null,
        null,
        java.util.Map.of(),
        null,
        null,
        null,
        null,
        1,
        1,
        List.of(),
        attempts,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void a_job_waited_for_gives_its_own_exit_code_as_srun_does() {
    assertThat(Exits.ofJob(ended(JobStatus.SUCCEEDED, 0))).isZero();
    assertThat(Exits.ofJob(ended(JobStatus.FAILED, 3))).isEqualTo(3);
    assertThat(Exits.ofJob(ended(JobStatus.FAILED, null))).isEqualTo(1);
    assertThat(Exits.ofJob(ended(JobStatus.CANCELED, null))).isEqualTo(1);
    assertThat(Exits.ofJob(ended(JobStatus.FAILED, 300))).isEqualTo(1);
  }

  @Test
  void a_job_followed_to_its_end_exits_zero_only_if_it_succeeded() {
    assertThat(Exits.ofEnd(JobStatus.SUCCEEDED)).isZero();
    assertThat(Exits.ofEnd(JobStatus.FAILED)).isEqualTo(1);
    assertThat(Exits.ofEnd(JobStatus.CANCELED)).isEqualTo(1);
  }

  private static ValidationException invalid(String detail, Problem.FieldError... errors) {
    return new ValidationException(
        400,
        new Problem(
            null,
            "t",
            400,
            detail,
            null,
            "validation_failed",
            "req_1",
            null,
            null,
            List.of(errors)),
        "req_1");
  }

  @Test
  void a_validation_failure_names_each_option_once_instead_of_repeating_the_api_fields() {
    assertThat(
            Exits.of(
                invalid(
                    "pod_count: must be from 1 to 10000",
                    new Problem.FieldError("pod_count", "must be from 1 to 10000"))))
        .isEqualTo(new Exits.Failure(2, "--pods: must be from 1 to 10000"));
    assertThat(
            Exits.of(
                    invalid(
                        "2 fields are invalid: …",
                        new Problem.FieldError("parents[0]", "no job job_x"),
                        new Problem.FieldError("tail_chars", "must be from 1 to 20000")))
                .message())
        .isEqualTo(
            "2 values are not valid:\n  --parent (parents[0]): no job job_x\n"
                + "  --tail: must be from 1 to 20000");
    assertThat(Exits.option("attempt")).isEqualTo("--attempt");
    assertThat(Exits.option("weird_field")).isEqualTo("weird_field");
  }

  @Test
  void guarded_outcomes_map_to_exit_codes() {
    assertThat(Exits.of(OutcomeKind.APPLIED)).isZero();
    assertThat(Exits.of(OutcomeKind.UNVERIFIED)).isEqualTo(1);
    assertThat(Exits.of(OutcomeKind.DECLINED)).isEqualTo(2);
    assertThat(Exits.of(OutcomeKind.NOT_FOUND)).isEqualTo(3);
    assertThat(Exits.of(OutcomeKind.NOT_ALLOWED_IN_STATE)).isEqualTo(4);
    assertThat(Exits.of(OutcomeKind.ALREADY_TERMINAL)).isEqualTo(4);
    assertThat(Exits.of(OutcomeKind.RACE_LOST)).isEqualTo(4);
  }
}
