package dev.jobkit.sdk.internal;

import dev.jobkit.sdk.webhooks.Delivery;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.sdk.webhooks.WebhookSpec;
import feign.Headers;
import feign.Param;
import feign.RequestLine;

/** Webhooks of the HTTP API v1, as Feign calls them. */
@Headers("Accept: application/json")
public interface WebhookApi {

  @RequestLine("POST /api/v1/webhooks")
  @Headers("Content-Type: application/json")
  Webhook create(WebhookSpec spec);

  @RequestLine("GET /api/v1/webhooks")
  Items<Webhook> webhooks();

  @RequestLine("GET /api/v1/webhooks/{id}")
  Webhook webhook(@Param("id") String id);

  @RequestLine("DELETE /api/v1/webhooks/{id}")
  void delete(@Param("id") String id);

  /** The newest deliveries first, at most {@code limit} (null leaves the parameter out). */
  @RequestLine("GET /api/v1/webhooks/{id}/deliveries?limit={limit}")
  Items<Delivery> deliveries(@Param("id") String id, @Param("limit") Integer limit);
}
