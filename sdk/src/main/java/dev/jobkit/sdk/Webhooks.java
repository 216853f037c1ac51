package dev.jobkit.sdk;

import dev.jobkit.sdk.internal.WebhookApi;
import dev.jobkit.sdk.webhooks.Delivery;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.sdk.webhooks.WebhookSpec;
import java.util.List;
import java.util.Objects;

/**
 * Webhooks: URLs the service POSTs jobs' transitions to, signed with each webhook's secret (check
 * them with {@link dev.jobkit.sdk.webhooks.WebhookVerifier}), retried with backoff for a day, in
 * order per job. A user's webhook is told of that user's own jobs only; a user lists their own
 * webhooks, and an admin may also read and delete anyone's by id.
 *
 * <pre>{@code
 * Webhook hook = client.webhooks().create(
 *     WebhookSpec.of("https://ci.example.com/jobkit").withStatuses(JobStatus.SUCCEEDED));
 * String secret = hook.secret(); // shown only now
 * for (Delivery d : client.webhooks().deliveries(hook.id())) {
 *   System.out.println(d.jobId() + " " + d.state() + " after " + d.attempts() + " attempts");
 * }
 * }</pre>
 */
public final class Webhooks {

  private final WebhookApi api;
  private final Calls calls;

  Webhooks(WebhookApi api, Calls calls) {
    this.api = api;
    this.calls = calls;
  }

  /**
   * Makes a webhook. Not retried: a lost answer would make the retry a second webhook.
   *
   * @param spec the URL, the filters and optionally the secret
   * @return the webhook, with its {@link Webhook#secret() secret}: the only time it is shown
   * @throws ValidationException if the URL, a filter or the secret is not valid
   * @throws RateLimitedException if the caller has as many webhooks as the service allows one user
   *     ({@code jobkit.webhooks.max-per-user}, 20 unless configured)
   */
  public Webhook create(WebhookSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return calls.once(() -> api.create(spec));
  }

  /**
   * The caller's own webhooks, newest first, without their secrets.
   *
   * @return the webhooks; empty when there are none
   */
  public List<Webhook> list() {
    return calls.run(api::webhooks).items();
  }

  /**
   * A webhook, without its secret.
   *
   * @param id the webhook's id, {@code whk_...}
   * @return the webhook
   * @throws NotFoundException if there is no such webhook, or it is another user's
   */
  public Webhook get(String id) {
    return calls.run(() -> api.webhook(id));
  }

  /**
   * Deletes a webhook and its deliveries; those still pending are not sent.
   *
   * @param id the webhook's id
   * @throws NotFoundException if there is no such webhook, or it is another user's
   */
  public void delete(String id) {
    calls.run(
        () -> {
          api.delete(id);
          return null;
        });
  }

  /**
   * A webhook's deliveries, newest first: the service's default number of them (50).
   *
   * @param id the webhook's id
   * @return the deliveries, with their attempts and the last answer
   * @throws NotFoundException if there is no such webhook, or it is another user's
   */
  public List<Delivery> deliveries(String id) {
    return calls.run(() -> api.deliveries(id, null)).items();
  }

  /**
   * A webhook's newest deliveries, at most {@code limit} of them.
   *
   * @param id the webhook's id
   * @param limit how many, 1 to 500
   * @return the deliveries, newest first
   * @throws NotFoundException if there is no such webhook, or it is another user's
   * @throws ValidationException if the limit is out of range
   */
  public List<Delivery> deliveries(String id, int limit) {
    return calls.run(() -> api.deliveries(id, limit)).items();
  }
}
