package dev.jobkit.sdk;

import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.internal.DataApi;
import java.util.List;
import java.util.Objects;

/**
 * Models: what a job of the {@code train} app recorded when it succeeded, with its files, their
 * checksums and its last metrics. Read-only; deleting the job deletes its models. A user sees the
 * models of their own jobs, an admin everyone's.
 *
 * <pre>{@code
 * List<Model> made = client.models().list(trainJob.id());
 * Job predict = client.jobs().submit(AppRun.of("predict")
 *     .param("model_id", made.get(0).id()).param("dataset_id", data.id()) ... .build());
 * }</pre>
 */
public final class Models {

  private final DataApi api;
  private final Calls calls;

  Models(DataApi api, Calls calls) {
    this.api = api;
    this.calls = calls;
  }

  /**
   * The caller's models (an admin's: everyone's), newest first.
   *
   * @return the models; empty when there are none
   */
  public List<Model> list() {
    return calls.run(() -> api.models(null)).items();
  }

  /**
   * The models one job made, newest first.
   *
   * @param jobId the job's id
   * @return its models; empty when it made none (or there is no such job)
   */
  public List<Model> list(String jobId) {
    Objects.requireNonNull(jobId, "jobId");
    return calls.run(() -> api.models(jobId)).items();
  }

  /**
   * A model.
   *
   * @param id the model's id, {@code model_...}
   * @return the model
   * @throws NotFoundException if there is no such model, or it is another user's
   */
  public Model get(String id) {
    return calls.run(() -> api.model(id));
  }
}
