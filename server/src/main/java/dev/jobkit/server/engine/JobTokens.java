package dev.jobkit.server.engine;

import dev.jobkit.server.store.JobStore;

/**
 * The tokens launched attempts act with: each attempt's pods get one as {@code JOBKIT_TOKEN}, and
 * it stops working when the attempt ends. Issued here, at launch; checked by the authentication
 * above the engine, which implements this.
 */
public interface JobTokens {

  /** A new token for an attempt of a job (the attempts before it lose theirs). */
  String issue(String jobId, int attempt);

  /**
   * A new token for an attempt of a job, stored by the transition that carries {@link Minted#store}
   * (the claim), not by a commit of its own; it works once that has committed.
   */
  Minted mint(String jobId, int attempt);

  /**
   * A token not stored yet.
   *
   * @param token what the attempt's pods and hooks get
   * @param store stores it (by its hash) in the transaction of a transition
   */
  record Minted(String token, java.util.function.Consumer<JobStore.Tx> store) {}

  /** Takes back the token of an attempt whose processes are gone. */
  void revoke(String jobId, int attempt);

  /**
   * Takes back the tokens of the jobs that no live service runs any more ({@link
   * dev.jobkit.server.store.JobTokenStore#revokeOfEndedServices}): their local pods are gone,
   * except those of attempts followed again ({@link dev.jobkit.server.exec.JobExecutor#adopt}),
   * whose jobs moved to the service that adopted them; an external worker's pods run on, with their
   * tokens.
   */
  void revokeOfEndedServices();
}
