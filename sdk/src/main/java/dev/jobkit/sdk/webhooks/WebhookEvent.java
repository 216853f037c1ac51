package dev.jobkit.sdk.webhooks;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.JobSummary;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The body of a webhook delivery: one transition of one job, as JSON with snake_case fields. Read
 * it after {@link WebhookVerifier#verify} accepted the bytes it came in.
 *
 * @param deliveryId the delivery's id, the same as the {@code Jobkit-Delivery} header and on every
 *     attempt: drop a repeat by it
 * @param webhookId the webhook it was sent for
 * @param eventId the transition's event id, increasing in the order transitions committed
 * @param jobId the job
 * @param fromStatus the status it left; null for its submission
 * @param toStatus the status it entered
 * @param at when the transition happened
 * @param reason why, in words, or null
 * @param actor who made it (a user's name, {@code scheduler}, {@code executor}, ...)
 * @param actorKind what kind of actor that is
 * @param app the job's app, or null for a job that runs a command
 * @param job the job as it was when the delivery was recorded (right after the transition, or
 *     already further on): {@code toStatus}, not {@code job.status}, is the status this delivery is
 *     about
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WebhookEvent(
    String deliveryId,
    String webhookId,
    long eventId,
    String jobId,
    JobStatus fromStatus,
    JobStatus toStatus,
    Instant at,
    String reason,
    String actor,
    ActorKind actorKind,
    String app,
    JobSummary job) {}
