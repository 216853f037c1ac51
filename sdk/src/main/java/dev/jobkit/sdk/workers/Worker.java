package dev.jobkit.sdk.workers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A registered worker, as the service keeps it.
 *
 * @param id the worker's id, {@code wkr_...}: what every later call of the protocol names
 * @param name the name it registered under, such as its host's
 * @param registeredBy the account whose key registered it: only that account (or an admin) may act
 *     as it
 * @param slots how many pods it runs at once
 * @param apps the apps it runs jobs of; empty for jobs of any app and of none
 * @param host the machine it said it runs on, or null
 * @param registeredAt when it registered
 * @param lastHeartbeatAt when it last sent a heartbeat (its registration before the first)
 * @param expiresAt when its claims lapse unless it sends a heartbeat before
 * @param endedAt when it ended (deregistered or expired), or null while it lives
 * @param endedWhy how it ended, or null while it lives
 * @param claimTtlSeconds how long its claims last after its last heartbeat ({@code
 *     jobkit.workers.claim-ttl})
 * @param heartbeatIntervalSeconds how often it should send a heartbeat: a third of the TTL
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Worker(
    String id,
    String name,
    String registeredBy,
    int slots,
    List<String> apps,
    String host,
    Instant registeredAt,
    Instant lastHeartbeatAt,
    Instant expiresAt,
    Instant endedAt,
    String endedWhy,
    double claimTtlSeconds,
    double heartbeatIntervalSeconds) {

  /**
   * A worker; a null list of apps is read as an empty one, and it is copied.
   *
   * @param id the worker's id
   * @param name its name
   * @param registeredBy the account that registered it
   * @param slots its slots
   * @param apps the apps it runs, or null for any
   * @param host its machine, or null
   * @param registeredAt when it registered
   * @param lastHeartbeatAt when it last sent a heartbeat
   * @param expiresAt when its claims lapse
   * @param endedAt when it ended, or null
   * @param endedWhy how it ended, or null
   * @param claimTtlSeconds how long a claim lasts after a heartbeat
   * @param heartbeatIntervalSeconds how often to send a heartbeat
   */
  public Worker {
    apps = apps == null ? List.of() : List.copyOf(apps);
  }

  /**
   * How often to send a heartbeat, as a duration.
   *
   * @return {@link #heartbeatIntervalSeconds()}, to the millisecond
   */
  public Duration heartbeatInterval() {
    return Duration.ofMillis(Math.round(heartbeatIntervalSeconds * 1000));
  }
}
