package dev.jobkit.server.auth;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.engine.JobTokens;
import dev.jobkit.server.store.JobTokenStore;
import org.springframework.stereotype.Component;

/**
 * Job tokens as API keys are kept: 256 random bits, only their SHA-256 stored. A job token
 * authenticates as the job's owner with the role {@code user} whatever the owner's role (an admin's
 * job is not an admin: code an agent wrote must not get the rights to create users and keys), and
 * the changes it makes are recorded with actor kind {@code job}. It works while its job has not
 * ended and its attempt runs.
 */
@Component
class HashedJobTokens implements JobTokens {

  /** Job tokens start so, API keys with {@code jk_}: one lookup tells which table to ask. */
  static final String PREFIX = "jkt_";

  private final JobTokenStore store;

  HashedJobTokens(JobTokenStore store) {
    this.store = store;
  }

  static boolean isJobToken(String key) {
    return key.startsWith(PREFIX);
  }

  @Override
  public String issue(String jobId, int attempt) {
    String token = PREFIX + Keys.newApiKey().substring("jk_".length());
    store.issue(jobId, attempt, Keys.hash(token));
    return token;
  }

  @Override
  public Minted mint(String jobId, int attempt) {
    String token = PREFIX + Keys.newApiKey().substring("jk_".length());
    String hash = Keys.hash(token);
    return new Minted(token, tx -> tx.issueToken(jobId, attempt, hash));
  }

  @Override
  public void revoke(String jobId, int attempt) {
    store.revoke(jobId, attempt);
  }

  @Override
  public void revokeOfEndedServices() {
    store.revokeOfEndedServices();
  }

  /** The caller a job token stands for; 401 once its attempt or its job has ended. */
  Caller authenticate(String token) {
    JobTokenStore.Holder holder =
        store
            .find(Keys.hash(token))
            .filter(h -> !h.status().isTerminal())
            .orElseThrow(
                () ->
                    ApiException.unauthorized(
                        "the job token is not valid: a job's token works only while the job"
                            + " runs"));
    return new Caller(holder.owner(), Role.USER, ActorKind.JOB);
  }
}
