package dev.jobkit.sdk.jobs;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One transition of a job, as recorded in its event log: the audit trail and the source of live
 * watching. Event ids grow in the order the transitions were committed, so a client that resumes
 * after the last id it saw misses nothing.
 *
 * @param id the event's id, increasing across all jobs
 * @param jobId the job that moved
 * @param fromStatus the state it left, or null for its submission
 * @param toStatus the state it entered
 * @param at when it moved
 * @param actor the name of who moved it (a user name, {@code scheduler}, {@code executor}, ...)
 * @param actorKind what kind of actor that is
 * @param reason why, in words, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobEvent(
    long id,
    String jobId,
    JobStatus fromStatus,
    JobStatus toStatus,
    Instant at,
    String actor,
    ActorKind actorKind,
    String reason) {}
