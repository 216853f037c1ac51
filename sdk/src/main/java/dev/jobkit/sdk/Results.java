package dev.jobkit.sdk;

import dev.jobkit.sdk.data.Result;
import dev.jobkit.sdk.internal.DataApi;
import java.util.List;
import java.util.Objects;

/**
 * Results: what a job of the {@code predict} app recorded when it succeeded: its prediction files,
 * their checksums, the model it used and its last metrics. Read-only; deleting the job deletes its
 * results. A user sees the results of their own jobs, an admin everyone's.
 *
 * <pre>{@code
 * for (Result r : client.results().list(predictJob.id())) {
 *   r.files().forEach(f -> System.out.println(f.path() + " " + f.sha256()));
 * }
 * }</pre>
 */
public final class Results {

  private final DataApi api;
  private final Calls calls;

  Results(DataApi api, Calls calls) {
    this.api = api;
    this.calls = calls;
  }

  /**
   * The caller's results (an admin's: everyone's), newest first.
   *
   * @return the results; empty when there are none
   */
  public List<Result> list() {
    return calls.run(() -> api.results(null)).items();
  }

  /**
   * The results one job made, newest first.
   *
   * @param jobId the job's id
   * @return its results; empty when it made none (or there is no such job)
   */
  public List<Result> list(String jobId) {
    Objects.requireNonNull(jobId, "jobId");
    return calls.run(() -> api.results(jobId)).items();
  }

  /**
   * A result.
   *
   * @param id the result's id, {@code result_...}
   * @return the result
   * @throws NotFoundException if there is no such result, or it is another user's
   */
  public Result get(String id) {
    return calls.run(() -> api.result(id));
  }
}
