package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.SkippedJob;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where flush operations are kept, so that their callers can follow them and a restart cannot leave
 * one "running" forever.
 */
public interface FlushOperationStore {

  /**
   * Records a new operation as it is when it starts, with the {@code Idempotency-Key} it was
   * started with and the hash of its request (both null without a key).
   *
   * @throws org.springframework.dao.DuplicateKeyException when the caller used that key before
   */
  void insert(FlushOperation operation, String idempotencyKey, String requestHash);

  /** An operation that {@code requestedBy} started with {@code idempotencyKey}, if it is kept. */
  Optional<Keyed> findByKey(String requestedBy, String idempotencyKey);

  /** An operation and the hash of the request that started it. */
  record Keyed(FlushOperation operation, String requestHash) {}

  /** One operation, or empty if there is none (or no more) of that id. */
  Optional<FlushOperation> find(String id);

  /** The ids of {@code requestedBy}'s running operations, oldest first. */
  List<String> running(String requestedBy);

  /** Writes a running operation's counts as they are now. */
  void progress(String id, Counts counts);

  /**
   * An operation's counts: jobs stopped and deleted, and the model and result records deleted with
   * them.
   */
  record Counts(int stopped, int deleted, int removedModels, int removedResults) {}

  /**
   * Ends a running operation in {@code status} with its final counts; false if it had already
   * ended.
   */
  boolean finish(
      String id,
      FlushOperation.Status status,
      String reason,
      Counts counts,
      int skippedCount,
      List<SkippedJob> skipped);

  /** Ends every operation still running with {@code status} and {@code reason}; how many. */
  int finishAllRunning(FlushOperation.Status status, String reason);

  /** Removes the operations that ended before {@code cutoff}; how many. */
  int deleteFinishedBefore(Instant cutoff);
}
