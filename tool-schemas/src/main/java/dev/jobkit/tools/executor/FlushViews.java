package dev.jobkit.tools.executor;

import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.SkippedJob;
import dev.jobkit.tools.registry.Outputs;

/** A flush as the tools show it: the result of {@code flush_jobs} and of {@code get_operation}. */
final class FlushViews {

  /** The most skipped jobs a {@code get_operation} answer names ({@code skipped_count} has all). */
  private static final int SKIPPED_SHOWN = 20;

  private FlushViews() {}

  /** What a flush did, and the operation that runs it in the background, if there is one. */
  static Outputs.FlushView of(FlushResult flush, FlushOperation operation) {
    return new Outputs.FlushView(
        flush.matched(),
        flush.stopped(),
        flush.deleted(),
        operation == null ? null : operation.removedModels(),
        operation == null ? null : operation.removedResults(),
        flush.skipped().stream().map(FlushViews::skipped).toList(),
        operation == null ? null : operation.id(),
        operation == null ? null : operation.status().wireName());
  }

  /** A flush operation as it stands, with {@code message} saying so in a sentence. */
  static Outputs.OperationResult operation(FlushOperation operation, String message) {
    return new Outputs.OperationResult(
        operation.id(),
        operation.status().wireName(),
        !operation.done(),
        message,
        operation.scope(),
        operation.matched(),
        operation.stopped(),
        operation.deleted(),
        operation.removedModels(),
        operation.removedResults(),
        operation.skippedCount(),
        operation.skipped().stream().limit(SKIPPED_SHOWN).map(FlushViews::skipped).toList(),
        operation.createdAt(),
        operation.finishedAt());
  }

  private static Outputs.SkippedView skipped(SkippedJob s) {
    return new Outputs.SkippedView(s.id(), s.status(), s.reason());
  }
}
