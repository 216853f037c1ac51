package dev.jobkit.sdk.internal;

import dev.jobkit.sdk.data.Dataset;
import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import feign.Headers;
import feign.Param;
import feign.RequestLine;
import feign.Response;

/**
 * Datasets, models and results of the HTTP API v1, as Feign calls them: apart from {@link JobApi}
 * because an upload's body is the file's bytes, not JSON.
 */
@Headers("Accept: application/json")
public interface DataApi {

  /** Uploads {@code content} (sent as it is, see {@link BodyEncoder}) as a dataset. */
  @RequestLine("POST /api/v1/datasets?name={name}")
  @Headers("Content-Type: application/octet-stream")
  Dataset upload(@Param("name") String name, byte[] content);

  @RequestLine("POST /api/v1/datasets")
  @Headers("Content-Type: application/json")
  Dataset register(Registration registration);

  @RequestLine("GET /api/v1/datasets")
  Items<Dataset> datasets();

  @RequestLine("GET /api/v1/datasets/{id}")
  Dataset dataset(@Param("id") String id);

  /**
   * The dataset's bytes, streamed: the caller closes the answer and maps an error status itself
   * (Feign hands a {@link Response} back without its error decoder).
   */
  @RequestLine("GET /api/v1/datasets/{id}/content")
  @Headers("Accept: application/octet-stream, application/json, application/problem+json")
  Response content(@Param("id") String id);

  @RequestLine("DELETE /api/v1/datasets/{id}")
  void deleteDataset(@Param("id") String id);

  /** The models, of one job when {@code jobId} is not null (null leaves the parameter out). */
  @RequestLine("GET /api/v1/models?job_id={jobId}")
  Items<Model> models(@Param("jobId") String jobId);

  @RequestLine("GET /api/v1/models/{id}")
  Model model(@Param("id") String id);

  /** The results, of one job when {@code jobId} is not null (null leaves the parameter out). */
  @RequestLine("GET /api/v1/results?job_id={jobId}")
  Items<Result> results(@Param("jobId") String jobId);

  @RequestLine("GET /api/v1/results/{id}")
  Result result(@Param("id") String id);
}
