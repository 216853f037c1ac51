package dev.jobkit.sdk.internal;

import dev.jobkit.sdk.shares.Share;
import feign.Headers;
import feign.Param;
import feign.RequestLine;

/** The share tokens of the HTTP API v1, as Feign calls them. */
@Headers({"Accept: application/json", "Content-Type: application/json"})
public interface ShareApi {

  @RequestLine("POST /api/v1/jobs/{id}/shares")
  Share create(@Param("id") String jobId, NewShare body);

  @RequestLine("GET /api/v1/jobs/{id}/shares")
  Items<Share> list(@Param("id") String jobId);

  @RequestLine("DELETE /api/v1/shares/{id}")
  void revoke(@Param("id") String shareId);
}
