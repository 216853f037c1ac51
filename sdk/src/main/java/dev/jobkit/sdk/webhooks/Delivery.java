package dev.jobkit.sdk.webhooks;

import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One transition of one job to tell one webhook of, with how the attempts went so far.
 *
 * @param id the delivery's id, {@code dlv_...}, also sent as the {@code Jobkit-Delivery} header of
 *     every attempt, so a receiver can drop a repeat
 * @param webhookId the webhook
 * @param jobId the job whose transition it is
 * @param eventId the transition's event id (see {@code jobs().events(id)})
 * @param state where it stands
 * @param attempts how many POSTs were made
 * @param nextAttemptAt when the next attempt is due, for a pending delivery
 * @param lastStatus the HTTP status of the last answer; null when there was none (no attempt yet,
 *     or a timeout or connection failure)
 * @param lastError why the last attempt failed, in words; null after a success
 * @param lastAttemptAt when the last attempt was made; null before the first
 * @param eventAt when the transition happened
 * @param createdAt when the delivery was recorded
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Delivery(
    String id,
    String webhookId,
    String jobId,
    long eventId,
    DeliveryState state,
    int attempts,
    Instant nextAttemptAt,
    Integer lastStatus,
    String lastError,
    Instant lastAttemptAt,
    Instant eventAt,
    Instant createdAt) {}
