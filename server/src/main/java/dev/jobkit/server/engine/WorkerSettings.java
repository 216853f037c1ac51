package dev.jobkit.server.engine;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The workers' settings, under {@code jobkit.workers.*} (docs/workers.md).
 *
 * @param claimTtl how long an external worker's claims last after its last heartbeat (or its
 *     registration); it is told to send one every third of it. A worker that misses them that long
 *     is expired: its claimed jobs go back to the queue, its running ones to {@code RUN_TIMEOUT}
 * @param local whether the service's own local executor claims jobs; false makes the service a pure
 *     control plane, whose jobs wait for external workers
 */
@ConfigurationProperties("jobkit.workers")
public record WorkerSettings(
    @DefaultValue("30s") Duration claimTtl, @DefaultValue("true") boolean local) {

  public WorkerSettings {
    if (claimTtl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "jobkit.workers.claim-ttl must be at least 1s, not " + claimTtl);
    }
  }

  /** How often a worker sends a heartbeat: a third of the TTL. */
  public Duration heartbeatInterval() {
    return claimTtl.dividedBy(3);
  }
}
