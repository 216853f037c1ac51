package dev.jobkit.sdk.workers;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The service's answer to a heartbeat.
 *
 * @param expiresAt when the worker's claims lapse unless it sends another heartbeat before
 * @param cancel the jobs of the worker that were stopped: it terminates their processes and reports
 *     their end ({@code complete} or {@code fail}); empty when there are none
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record HeartbeatAnswer(Instant expiresAt, List<String> cancel) {

  /**
   * An answer; a null list is read as an empty one, and it is copied.
   *
   * @param expiresAt when the claims lapse
   * @param cancel the jobs to stop, or null for none
   */
  public HeartbeatAnswer {
    cancel = cancel == null ? List.of() : List.copyOf(cancel);
  }
}
