package dev.jobkit.server.engine;

import java.util.Set;

/**
 * The tokens launched attempts act with: each attempt's pods get one as {@code JOBKIT_TOKEN}, and
 * it stops working when the attempt ends. Issued here, at launch; checked by the authentication
 * above the engine, which implements this.
 */
public interface JobTokens {

  /** A new token for an attempt of a job (the attempts before it lose theirs). */
  String issue(String jobId, int attempt);

  /** Takes back the token of an attempt whose processes are gone. */
  void revoke(String jobId, int attempt);

  /**
   * Takes back every token of the local executor's attempts but those of {@code keptJobs}: at the
   * service's start no local pod of a previous run is left, except the pods of the attempts
   * followed again ({@link dev.jobkit.server.exec.JobExecutor#adopt}); an external worker's pods
   * run on, with their tokens.
   */
  void revokeAllBut(Set<String> keptJobs);
}
