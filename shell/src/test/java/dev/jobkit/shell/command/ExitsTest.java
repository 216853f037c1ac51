package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.InvalidStateException;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.Problem;
import dev.jobkit.sdk.TransportException;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.shell.local.ServiceUnavailableException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ExitsTest {

  private static Problem problem(int status, String code, String detail) {
    return new Problem(null, "title", status, detail, null, code, "req_1", null, null, null);
  }

  @Test
  void every_kind_of_failure_has_its_exit_code_and_a_sentence() {
    assertThat(Exits.of(new UsageException("bad"))).isEqualTo(new Exits.Failure(2, "bad"));
    assertThat(Exits.of(new RefusedException("no tty")).code()).isEqualTo(2);
    assertThat(Exits.of(new NotFoundException(404, problem(404, "not_found", "no job x"), "r")))
        .isEqualTo(new Exits.Failure(3, "no job x"));
    assertThat(
            Exits.of(new InvalidStateException(409, problem(409, "invalid_state", "ended"), "r"))
                .code())
        .isEqualTo(4);
    assertThat(Exits.of(new TransportException("refused", new IOException("x"))).code())
        .isEqualTo(5);
    assertThat(Exits.of(new ServiceUnavailableException("no jar")).code()).isEqualTo(5);
    assertThat(Exits.of(new IllegalStateException("odd"))).isEqualTo(new Exits.Failure(1, "odd"));
  }

  @Test
  void guarded_outcomes_map_to_exit_codes() {
    assertThat(Exits.of(OutcomeKind.APPLIED)).isZero();
    assertThat(Exits.of(OutcomeKind.UNVERIFIED)).isEqualTo(1);
    assertThat(Exits.of(OutcomeKind.DECLINED)).isEqualTo(2);
    assertThat(Exits.of(OutcomeKind.NOT_ALLOWED_IN_STATE)).isEqualTo(4);
    assertThat(Exits.of(OutcomeKind.ALREADY_TERMINAL)).isEqualTo(4);
    assertThat(Exits.of(OutcomeKind.RACE_LOST)).isEqualTo(4);
  }
}
