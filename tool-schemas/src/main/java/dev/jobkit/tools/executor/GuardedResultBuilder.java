package dev.jobkit.tools.executor;

import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.tools.registry.Outputs;
import dev.jobkit.tools.registry.Outputs.GuardedResult;
import dev.jobkit.tools.registry.Outputs.GuardedStatus;
import java.time.Instant;
import java.util.List;

/** The few fields of a {@link GuardedResult} a call sets, named instead of by position. */
final class GuardedResultBuilder {
  private final GuardedStatus status;
  private OutcomeKind outcome;
  private String reason;
  private String message;
  private Outputs.PrecheckView precheck;
  private String prompt;
  private String token;
  private Instant expiresAt;
  private String approvedBy;
  private Boolean verified;
  private JobStatus finalStatus;
  private Outputs.JobView job;
  private List<Outputs.JobView> jobs;
  private Outputs.Identity user;
  private Outputs.FlushView flush;

  private GuardedResultBuilder(GuardedStatus status) {
    this.status = status;
  }

  static GuardedResultBuilder of(GuardedStatus status) {
    return new GuardedResultBuilder(status);
  }

  GuardedResultBuilder outcome(OutcomeKind outcome) {
    this.outcome = outcome;
    return this;
  }

  GuardedResultBuilder reason(String reason) {
    this.reason = reason;
    return this;
  }

  GuardedResultBuilder message(String message) {
    this.message = message;
    return this;
  }

  GuardedResultBuilder precheck(Precheck p) {
    List<String> ids = p.jobIds() == null ? List.of() : p.jobIds();
    this.precheck =
        new Outputs.PrecheckView(
            p.action(),
            p.jobId(),
            p.displayName(),
            p.status(),
            p.allowed(),
            p.consequence(),
            ids.size(),
            ids.size() <= 20 ? ids : ids.subList(0, 20));
    return this;
  }

  GuardedResultBuilder prompt(String prompt) {
    this.prompt = prompt;
    return this;
  }

  GuardedResultBuilder token(String token, Instant expiresAt) {
    this.token = token;
    this.expiresAt = expiresAt;
    return this;
  }

  GuardedResultBuilder approvedBy(String approvedBy) {
    this.approvedBy = approvedBy;
    return this;
  }

  GuardedResultBuilder verified(boolean verified) {
    this.verified = verified;
    return this;
  }

  GuardedResultBuilder finalStatus(JobStatus finalStatus) {
    this.finalStatus = finalStatus;
    return this;
  }

  GuardedResultBuilder job(Outputs.JobView job) {
    this.job = job;
    return this;
  }

  GuardedResultBuilder jobs(List<Outputs.JobView> jobs) {
    this.jobs = jobs;
    return this;
  }

  GuardedResultBuilder user(Outputs.Identity user) {
    this.user = user;
    return this;
  }

  GuardedResultBuilder flush(Outputs.FlushView flush) {
    this.flush = flush;
    return this;
  }

  GuardedResult build() {
    return new GuardedResult(
        status,
        outcome,
        reason,
        message,
        precheck,
        prompt,
        token,
        expiresAt,
        approvedBy,
        verified,
        finalStatus,
        job,
        jobs,
        user,
        flush);
  }
}
