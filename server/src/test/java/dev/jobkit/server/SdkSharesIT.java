package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.AuthenticationException;
import dev.jobkit.sdk.ForbiddenException;
import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.NotFoundException;
import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.jobs.JobUpdate;
import dev.jobkit.sdk.shares.Share;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Share tokens through the SDK: the owner makes, lists and revokes them; a client built with a
 * share token as its key reads the job, its log and events, and is refused the rest.
 */
class SdkSharesIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitClient owner;
  static JobkitClient other;
  static Job job;

  @BeforeAll
  static void start() {
    owner = service.client(service.userKey());
    other = service.client(service.newUser("sdkshares-other", "parallel").key());
    Job submitted = owner.jobs().submit(JobSpec.builder().shell("echo shared-by-sdk").build());
    job = owner.jobs().await(submitted.id(), s -> s.isTerminal(), Duration.ofSeconds(60));
  }

  @Test
  void a_client_with_a_share_token_reads_the_job_and_nothing_else_until_it_is_revoked() {
    Share share = owner.shares().create(job.id(), Duration.ofDays(3));
    assertThat(share.id()).startsWith("shr_");
    assertThat(share.token()).startsWith("jks_");
    assertThat(share.url().getQuery()).isEqualTo("share_token=" + share.token());
    assertThat(share.expiresAt())
        .isBetween(
            Instant.now().plus(Duration.ofDays(3)).minusSeconds(120),
            Instant.now().plus(Duration.ofDays(3)));
    assertThat(owner.shares().list(job.id()))
        .extracting(Share::id, Share::token, Share::url)
        .contains(org.assertj.core.groups.Tuple.tuple(share.id(), null, null));

    try (JobkitClient reader = service.client(share.token())) {
      assertThat(reader.jobs().get(job.id()).id()).isEqualTo(job.id());
      assertThat(reader.jobs().logs(job.id()).tail().content()).contains("shared-by-sdk");
      assertThat(reader.jobs().events(job.id())).isNotEmpty();
      List<Runnable> refused = new ArrayList<>();
      refused.add(() -> reader.jobs().list(JobQuery.builder().build()));
      refused.add(() -> reader.users().me());
      refused.add(() -> reader.shares().create(job.id()));
      refused.add(() -> reader.shares().list(job.id()));
      refused.add(
          () -> reader.jobs().update(job.id(), JobUpdate.builder().displayName("x").build()));
      for (Runnable call : refused) {
        assertThatThrownBy(call::run)
            .isInstanceOf(ForbiddenException.class)
            .hasMessageContaining("share token reads only job " + job.id());
      }

      owner.shares().revoke(share.id());

      assertThatThrownBy(() -> reader.jobs().get(job.id()))
          .isInstanceOf(AuthenticationException.class);
    }
    assertThat(owner.shares().list(job.id())).extracting(Share::id).doesNotContain(share.id());
  }

  @Test
  void the_expiry_is_checked_and_only_the_owner_shares() {
    assertThat(owner.shares().create(job.id()).expiresAt())
        .isAfter(Instant.now().plus(Duration.ofDays(7)).minusSeconds(120));
    assertThat(owner.shares().create(job.id(), "12h").expiresAt())
        .isBefore(Instant.now().plus(Duration.ofHours(13)));
    assertThatThrownBy(() -> owner.shares().create(job.id(), Duration.ofDays(31)))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.errors()).extracting(FieldError::field).containsExactly("expires_in"));
    assertThatThrownBy(() -> owner.shares().create(job.id(), "soon"))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> other.shares().create(job.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> other.shares().list(job.id())).isInstanceOf(NotFoundException.class);
    Share share = owner.shares().create(job.id());
    assertThatThrownBy(() -> other.shares().revoke(share.id()))
        .isInstanceOf(NotFoundException.class);
  }
}
