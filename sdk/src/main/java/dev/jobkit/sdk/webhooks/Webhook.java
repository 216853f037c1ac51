package dev.jobkit.sdk.webhooks;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A webhook: a URL the service POSTs each matching transition of a job to, signed with the
 * webhook's secret. An empty filter matches everything; a user's webhook is told only of that
 * user's own jobs.
 *
 * @param id the webhook's id, {@code whk_...}
 * @param owner the user who made it; only they and an admin see it
 * @param url where the deliveries go, {@code http} or {@code https}
 * @param statuses the statuses whose entry is delivered; empty: every transition
 * @param apps the apps whose jobs' transitions are delivered; empty: any job
 * @param owners whose jobs' transitions are delivered (an admin's webhook only); empty: the owner's
 *     own jobs for a user's webhook, everyone's for an admin's
 * @param secret the key the deliveries are signed with: only in the answer that created the
 *     webhook, null in every later read (the service never shows it again)
 * @param createdAt when it was made; transitions before it are not delivered
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Webhook(
    String id,
    String owner,
    String url,
    List<JobStatus> statuses,
    List<String> apps,
    List<String> owners,
    String secret,
    Instant createdAt) {

  /**
   * A webhook as read; missing lists are read as empty.
   *
   * @param id the webhook's id, {@code whk_...}
   * @param owner the user who made it
   * @param url where the deliveries go
   * @param statuses the statuses whose entry is delivered; empty: every transition
   * @param apps the apps whose jobs' transitions are delivered; empty: any job
   * @param owners whose jobs' transitions are delivered; empty: see the type's description
   * @param secret the signing key, only in the answer that created the webhook
   * @param createdAt when it was made
   */
  public Webhook {
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
    apps = apps == null ? List.of() : List.copyOf(apps);
    owners = owners == null ? List.of() : List.copyOf(owners);
  }
}
