package dev.jobkit.sdk.workers;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A registered worker, as the service keeps it.
 *
 * @param id the worker's id, {@code wkr_...}: what every later call of the protocol names
 * @param name the name it registered under, such as its host's
 * @param slots how many pods it runs at once
 * @param apps the apps it runs jobs of; empty for jobs of any app and of none
 * @param host the machine it said it runs on, or null
 * @param owner the user whose worker key registered it, or null when the service does not say
 * @param registeredAt when it registered
 * @param expiresAt when its claims lapse unless it sends a heartbeat before
 * @param claimTtlSeconds how long its claims last after its last heartbeat ({@code
 *     jobkit.workers.claim-ttl})
 * @param heartbeatIntervalSeconds how often it should send a heartbeat: a third of the TTL
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Worker(
    String id,
    String name,
    int slots,
    List<String> apps,
    String host,
    String owner,
    Instant registeredAt,
    Instant expiresAt,
    long claimTtlSeconds,
    long heartbeatIntervalSeconds) {

  /**
   * A worker; a null list of apps is read as an empty one, and it is copied.
   *
   * @param id the worker's id
   * @param name its name
   * @param slots its slots
   * @param apps the apps it runs, or null for any
   * @param host its machine, or null
   * @param owner the user who registered it, or null
   * @param registeredAt when it registered
   * @param expiresAt when its claims lapse
   * @param claimTtlSeconds how long a claim lasts after a heartbeat
   * @param heartbeatIntervalSeconds how often to send a heartbeat
   */
  public Worker {
    apps = apps == null ? List.of() : List.copyOf(apps);
  }
}
