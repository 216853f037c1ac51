package dev.jobkit.sdk.jobs;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One entry of a job's event log: the audit trail and the source of live watching. Most events are
 * transitions; a rename or a change of visibility is an event too, with the old and the new value
 * (see {@link EventKind}). Event ids grow in the order the changes were committed, so a client that
 * resumes after the last id it saw misses nothing.
 *
 * <pre>{@code
 * for (JobEvent e : client.jobs().events(id)) {
 *   if (e.kind() == EventKind.RENAMED) {
 *     System.out.println(e.actor() + " renamed it from " + e.oldValue() + " to " + e.newValue());
 *   }
 * }
 * }</pre>
 *
 * @param id the event's id, increasing across all jobs
 * @param jobId the job it is about
 * @param kind what changed; {@link EventKind#TRANSITION} when a service older than this field sent
 *     none
 * @param fromStatus the state it left, or null for its submission; for an event that is not a
 *     transition, its status at the time (the same as {@code toStatus})
 * @param toStatus the state it entered; for an event that is not a transition, its status at the
 *     time
 * @param at when it happened
 * @param actor the name of who did it (a user name, {@code scheduler}, {@code executor}, ...)
 * @param actorKind what kind of actor that is
 * @param reason why or what, in words, or null
 * @param oldValue for a rename or a visibility change, the value before; null for a transition
 * @param newValue for a rename or a visibility change, the value after; null for a transition
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobEvent(
    long id,
    String jobId,
    EventKind kind,
    JobStatus fromStatus,
    JobStatus toStatus,
    Instant at,
    String actor,
    ActorKind actorKind,
    String reason,
    String oldValue,
    String newValue) {

  /**
   * An event; one without a kind, as a service older than {@code kind} sends it, is a {@link
   * EventKind#TRANSITION}.
   *
   * @param id the event's id, increasing across all jobs
   * @param jobId the job it is about
   * @param kind what changed; {@link EventKind#TRANSITION} when a service older than this field
   *     sent none
   * @param fromStatus the state it left, or null for its submission; for an event that is not a
   *     transition, its status at the time (the same as {@code toStatus})
   * @param toStatus the state it entered; for an event that is not a transition, its status at the
   *     time
   * @param at when it happened
   * @param actor the name of who did it (a user name, {@code scheduler}, {@code executor}, ...)
   * @param actorKind what kind of actor that is
   * @param reason why or what, in words, or null
   * @param oldValue for a rename or a visibility change, the value before; null for a transition
   * @param newValue for a rename or a visibility change, the value after; null for a transition
   */
  public JobEvent {
    kind = kind == null ? EventKind.TRANSITION : kind;
  }

  /**
   * Whether this event moved the job from one status to another (or submitted it).
   *
   * @return true for a {@link EventKind#TRANSITION}; {@link #fromStatus()} and {@link #toStatus()}
   *     then say which
   */
  public boolean isTransition() {
    return kind == EventKind.TRANSITION;
  }
}
