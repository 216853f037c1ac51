package dev.jobkit.server.webhooks;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.webhooks.Delivery;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/webhooks}: make one (its secret is in this answer only), list the caller's, read
 * and delete one (its owner or an admin), and list its deliveries, newest first.
 */
@RestController
@RequestMapping("/api/v1/webhooks")
class WebhookController {

  /** Webhooks without paging, newest first. */
  record WebhookList(List<Webhook> items) {}

  /** A webhook's newest deliveries. */
  record DeliveryList(List<Delivery> items) {}

  private final Webhooks webhooks;

  WebhookController(Webhooks webhooks) {
    this.webhooks = webhooks;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  Webhook create(Caller caller, @RequestBody Webhooks.Request request) {
    if (caller.kind() == ActorKind.JOB) {
      throw ApiException.forbidden(
          "a job's token cannot make a webhook: it would go on telling of the owner's jobs after"
              + " the job's attempt, and what a job's code is given must end with it; make the"
              + " webhook with an API key");
    }
    return webhooks.create(caller, request);
  }

  @GetMapping
  WebhookList list(Caller caller) {
    return new WebhookList(webhooks.list(caller));
  }

  @GetMapping("/{id}")
  Webhook get(Caller caller, @PathVariable String id) {
    return webhooks.get(caller, id);
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(Caller caller, @PathVariable String id) {
    webhooks.delete(caller, id);
  }

  @GetMapping("/{id}/deliveries")
  DeliveryList deliveries(
      Caller caller, @PathVariable String id, @RequestParam(required = false) String limit) {
    return new DeliveryList(webhooks.deliveries(caller, id, limit));
  }
}
