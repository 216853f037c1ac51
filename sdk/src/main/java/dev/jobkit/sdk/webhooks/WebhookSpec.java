package dev.jobkit.sdk.webhooks;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What makes a webhook: the URL, the filters and, if the caller wants to choose it, the secret.
 *
 * <pre>{@code
 * Webhook hook = client.webhooks().create(
 *     WebhookSpec.of("https://ci.example.com/jobkit").withStatuses(JobStatus.SUCCEEDED, JobStatus.FAILED));
 * String secret = hook.secret(); // shown this once: keep it for the receiver's WebhookVerifier
 * }</pre>
 *
 * @param url where the deliveries go, {@code http} or {@code https}
 * @param statuses the statuses whose entry is delivered; empty: every transition
 * @param apps the apps whose jobs' transitions are delivered; empty: any job
 * @param owners whose jobs' transitions are delivered; only an admin may name users other than
 *     themselves
 * @param secret the signing key, 16 to 200 printable characters; null to have the service make one
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WebhookSpec(
    String url, List<JobStatus> statuses, List<String> apps, List<String> owners, String secret) {

  /**
   * A specification; null lists are read as empty. The URL is checked by the service (a missing or
   * wrong one is a {@code ValidationException} naming {@code url}).
   *
   * @param url where the deliveries go
   * @param statuses the statuses whose entry is delivered; empty: every transition
   * @param apps the apps whose jobs' transitions are delivered; empty: any job
   * @param owners whose jobs' transitions are delivered
   * @param secret the signing key, or null to have the service make one
   */
  public WebhookSpec {
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
    apps = apps == null ? List.of() : List.copyOf(apps);
    owners = owners == null ? List.of() : List.copyOf(owners);
  }

  /**
   * A webhook told of every transition of the caller's jobs, with a secret the service makes.
   *
   * @param url where the deliveries go
   * @return the specification
   */
  public static WebhookSpec of(String url) {
    return new WebhookSpec(url, List.of(), List.of(), List.of(), null);
  }

  /**
   * This specification told only of entries into these statuses.
   *
   * @param statuses the statuses
   * @return a new specification
   */
  public WebhookSpec withStatuses(JobStatus... statuses) {
    return new WebhookSpec(url, Arrays.asList(statuses), apps, owners, secret);
  }

  /**
   * This specification told only of jobs of these apps.
   *
   * @param apps the apps' names
   * @return a new specification
   */
  public WebhookSpec withApps(String... apps) {
    return new WebhookSpec(url, statuses, Arrays.asList(apps), owners, secret);
  }

  /**
   * This specification told only of these users' jobs (an admin's webhook).
   *
   * @param owners the users' names
   * @return a new specification
   */
  public WebhookSpec withOwners(String... owners) {
    return new WebhookSpec(url, statuses, apps, Arrays.asList(owners), secret);
  }

  /**
   * This specification signed with a secret of the caller's choice.
   *
   * @param secret the signing key, 16 to 200 printable characters
   * @return a new specification
   */
  public WebhookSpec withSecret(String secret) {
    return new WebhookSpec(url, statuses, apps, owners, secret);
  }
}
