package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.util.List;
import java.util.Map;

/** Jobs for the store's own tests, which insert through {@link JobStore#insert}. */
final class NewJobs {

  private NewJobs() {}

  /** A one-pod job of {@code true}, in {@code status}, after {@code parents}. */
  static NewJob job(String id, String owner, JobStatus status, List<String> parents) {
    return new NewJob(
        id,
        owner,
        id,
        null,
        status,
        null,
        5,
        Accessibility.PRIVATE,
        1,
        List.of("true"),
        null,
        null,
        null,
        Map.of(),
        Map.of(),
        Map.of(),
        parents,
        null,
        1);
  }
}
