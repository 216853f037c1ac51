package dev.jobkit.tools.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.tools.registry.Inputs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Confirmation tokens on their own: size, binding, single use, expiry and the cap. */
class ConfirmationTokensTest {

  private final MutableClock clock = new MutableClock();
  private final ConfirmationTokens tokens =
      new ConfirmationTokens(clock, ConfirmationTokens.MAX_LIFETIME);

  private static List<String> jobs(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "job_01jd3k5v8x0m4q7r2t6y9w" + i + "@QUEUED")
        .toList();
  }

  @Test
  void a_token_is_at_most_64_characters_for_one_job_and_for_10000() {
    ConfirmationTokens.Issued one =
        tokens.issue("stop_job", "{\"job_id\":\"job_1\"}", jobs(1), "RUNNING");
    ConfirmationTokens.Issued many =
        tokens.issue("flush_jobs", "{\"scope\":\"active\"}", jobs(10_000), null);

    assertThat(one.token()).startsWith("jkct2.").hasSizeLessThanOrEqualTo(Inputs.TOKEN_MAX_LENGTH);
    assertThat(many.token()).hasSameSizeAs(one.token());
    assertThat(many.claims().jobCount()).isEqualTo(10_000);
  }

  @Test
  void a_token_binds_the_tool_the_arguments_the_jobs_and_the_state_seen() {
    ConfirmationTokens.Issued issued =
        tokens.issue("stop_job", "{\"job_id\":\"job_1\"}", List.of("job_1"), "RUNNING");

    ConfirmationTokens.Claims claims = tokens.verify(issued.token());

    assertThat(claims.tool()).isEqualTo("stop_job");
    assertThat(claims.args()).isEqualTo("{\"job_id\":\"job_1\"}");
    assertThat(claims.jobs()).isEqualTo(ConfirmationTokens.digest(List.of("job_1")));
    assertThat(claims.status()).isEqualTo("RUNNING");
    assertThat(claims.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
  }

  @Test
  void the_digest_of_a_job_set_does_not_depend_on_its_order_but_on_every_job_and_state() {
    List<String> listed = new ArrayList<>(jobs(1_000));
    List<String> shuffled = new ArrayList<>(listed);
    Collections.shuffle(shuffled, new Random(7));
    List<String> oneMoved = new ArrayList<>(listed);
    oneMoved.set(500, oneMoved.get(500).replace("@QUEUED", "@RUNNING"));

    assertThat(ConfirmationTokens.digest(shuffled)).isEqualTo(ConfirmationTokens.digest(listed));
    assertThat(ConfirmationTokens.digest(oneMoved)).isNotEqualTo(ConfirmationTokens.digest(listed));
    assertThat(ConfirmationTokens.digest(listed.subList(1, 1_000)))
        .isNotEqualTo(ConfirmationTokens.digest(listed));
  }

  @Test
  void a_token_is_spent_once() {
    String token = tokens.issue("stop_job", "{}", List.of("job_1"), "RUNNING").token();

    tokens.verify(token);
    assertThat(tokens.spend(token)).isTrue();
    assertThat(tokens.spend(token)).isFalse();
    assertThat(tokens.spend(tokens.issue("stop_job", "{}", List.of("job_1"), "RUNNING").token()))
        .as("another token of the same call is a token of its own")
        .isTrue();
  }

  @Test
  void a_token_expires_after_its_lifetime_and_stays_expired_once_forgotten() {
    ConfirmationTokens shortLived = new ConfirmationTokens(clock, Duration.ofSeconds(30));
    String token = shortLived.issue("stop_job", "{}", List.of("job_1"), "RUNNING").token();

    clock.advance(Duration.ofSeconds(29));
    assertThat(shortLived.verify(token).tool()).isEqualTo("stop_job");
    clock.advance(Duration.ofSeconds(1));
    assertThatThrownBy(() -> shortLived.verify(token))
        .isInstanceOfSatisfying(
            ConfirmationTokens.Refusal.class, r -> assertThat(r.reason).isEqualTo("expired_token"));
    clock.advance(Duration.ofMinutes(5));
    assertThat(shortLived.outstanding()).as("forgotten").isZero();
    assertThatThrownBy(() -> shortLived.verify(token))
        .isInstanceOfSatisfying(
            ConfirmationTokens.Refusal.class, r -> assertThat(r.reason).isEqualTo("expired_token"));
  }

  @Test
  void a_token_changed_or_made_elsewhere_is_invalid() {
    String token = tokens.issue("stop_job", "{}", List.of("job_1"), "RUNNING").token();
    String elsewhere =
        new ConfirmationTokens(clock, ConfirmationTokens.MAX_LIFETIME)
            .issue("stop_job", "{}", List.of("job_1"), "RUNNING")
            .token();
    int mac = token.lastIndexOf('.') + 1;

    for (String forged :
        List.of(
            flip(token, "jkct2.".length()),
            flip(token, mac),
            token.substring(0, mac),
            elsewhere,
            "jkct2..",
            "jkct2",
            "")) {
      assertThatThrownBy(() -> tokens.verify(forged))
          .as(forged)
          .isInstanceOfSatisfying(
              ConfirmationTokens.Refusal.class,
              r -> assertThat(r.reason).isEqualTo("invalid_token"));
    }
  }

  private static String flip(String token, int at) {
    char changed = token.charAt(at) == 'A' ? 'B' : 'A';
    return token.substring(0, at) + changed + token.substring(at + 1);
  }

  @Test
  void no_more_than_max_outstanding_tokens_are_kept_until_they_expire() {
    for (int i = 0; i < ConfirmationTokens.MAX_OUTSTANDING; i++) {
      tokens.issue("stop_job", "{}", List.of("job_" + i), "RUNNING");
    }

    assertThatThrownBy(() -> tokens.issue("stop_job", "{}", List.of("job_x"), "RUNNING"))
        .isInstanceOfSatisfying(
            ConfirmationTokens.Refusal.class,
            r -> assertThat(r.reason).isEqualTo("too_many_pending_confirmations"));
    clock.advance(ConfirmationTokens.MAX_LIFETIME.multipliedBy(2));
    assertThat(tokens.issue("stop_job", "{}", List.of("job_x"), "RUNNING").token())
        .startsWith("jkct2.");
  }

  @Test
  void a_lifetime_of_zero_or_over_two_minutes_is_refused() {
    for (Duration wrong : List.of(Duration.ZERO, Duration.ofMinutes(2).plusMillis(1))) {
      assertThatThrownBy(() -> new ConfirmationTokens(clock, wrong))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
