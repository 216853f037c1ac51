package dev.jobkit.server.store;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.util.Optional;

/** The hashes of the tokens running jobs act with, one per launched attempt. */
public interface JobTokenStore {

  /**
   * The job a token hash was issued to, as it is now.
   *
   * @param jobId the job
   * @param owner its owner, whose rights the token carries
   * @param status the job's status now
   */
  record Holder(String jobId, String owner, JobStatus status) {}

  /** Records the hash of a new token for an attempt of a job, replacing its earlier attempts'. */
  void issue(String jobId, int attempt, String tokenHash);

  /** The job holding a token with this hash, while the token exists. */
  Optional<Holder> find(String tokenHash);

  /** Removes the token of one attempt of a job. */
  void revoke(String jobId, int attempt);

  /**
   * Removes the tokens of the jobs that no live service's executor runs: claimed by a service whose
   * row in {@code services} has ended (dead, stopped, or a previous run of this one), or by none
   * (claimed before services had rows). No pod of theirs is left to use one, except those of the
   * attempts a service followed again (Slurm jobs outlive the service): those moved to it. Those of
   * jobs held by external workers stay: their pods run on.
   */
  void revokeOfEndedServices();
}
