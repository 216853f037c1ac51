package dev.jobkit.server.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The webhooks' settings, under {@code jobkit.webhooks.*}.
 *
 * @param enabled whether deliveries are matched and sent at all; when false, webhooks can still be
 *     made and read, and the transitions wait in the event log: once it is true again they are
 *     matched and sent from where the matching stopped
 * @param senders how many deliveries are sent at once, over all webhooks
 * @param perWebhook how many of one webhook's deliveries are sent at once (of different jobs: one
 *     job's are sent one after the other), so that a receiver that hangs holds at most this many of
 *     the senders
 * @param connectTimeout how long a connection to a receiver may take
 * @param readTimeout how long a receiver may take to answer once the request is sent
 * @param backoffBase the wait after a delivery's first failed attempt; it doubles with each further
 *     one (each wait is then drawn between its half and itself, so that retries spread out)
 * @param backoffMax the longest wait between two attempts
 * @param giveUpAfter how long after its transition a delivery is tried; after that it is {@code
 *     failed}
 * @param pollInterval how often due retries are looked for when nothing wakes the sender earlier
 * @param maxPerUser how many webhooks one user may have; one more is refused with 429 {@code
 *     rate_limited}
 * @param keepDeliveries how long a delivered or failed delivery stays listed after its last attempt
 *     before it is deleted (pending ones stay until they are delivered or given up)
 * @param allowedHosts the hosts a webhook's URL may name (a name, or {@code *.example.com} for any
 *     name under a domain), checked when a webhook is made and on every attempt; empty: any host. A
 *     webhook is made by any user and sent from the service's own network: set this where the
 *     service can reach addresses its users must not (see docs/results.md, Webhooks)
 */
@ConfigurationProperties("jobkit.webhooks")
public record WebhookSettings(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("4") int senders,
    @DefaultValue("2") int perWebhook,
    @DefaultValue("5s") Duration connectTimeout,
    @DefaultValue("10s") Duration readTimeout,
    @DefaultValue("10s") Duration backoffBase,
    @DefaultValue("1h") Duration backoffMax,
    @DefaultValue("24h") Duration giveUpAfter,
    @DefaultValue("1s") Duration pollInterval,
    @DefaultValue("20") int maxPerUser,
    @DefaultValue("30d") Duration keepDeliveries,
    @DefaultValue List<String> allowedHosts) {

  public WebhookSettings {
    if (senders < 1 || perWebhook < 1) {
      throw new IllegalArgumentException(
          "jobkit.webhooks.senders and per-webhook must be at least 1");
    }
    allowedHosts =
        allowedHosts == null
            ? List.of()
            : allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
  }

  /** Whether a URL may name this host. */
  boolean allows(String host) {
    if (allowedHosts.isEmpty()) {
      return true;
    }
    String name = host.toLowerCase(Locale.ROOT);
    for (String allowed : allowedHosts) {
      if (allowed.startsWith("*.") ? name.endsWith(allowed.substring(1)) : name.equals(allowed)) {
        return true;
      }
    }
    return false;
  }
}
