package dev.jobkit.server.auth;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.server.store.Actor;

/**
 * The authenticated user of a request.
 *
 * @param name the user's name
 * @param role the user's role
 * @param kind who is acting through the key: a person, an agent, a worker
 * @param sharedJob the one job a share token reads, or null for any other key; such a caller acts
 *     as the job's owner (role {@code user}) but sees only that job and changes nothing
 */
public record Caller(String name, Role role, ActorKind kind, String sharedJob) {

  /** A caller of an API key or a job token: not limited to one job. */
  public Caller(String name, Role role, ActorKind kind) {
    this(name, role, kind, null);
  }

  /** The caller a share token of {@code jobId}, owned by {@code owner}, stands for. */
  static Caller sharing(String owner, String jobId) {
    return new Caller(owner, Role.USER, ActorKind.USER, jobId);
  }

  public boolean isAdmin() {
    return role == Role.ADMIN && sharedJob == null;
  }

  /** Whether the caller holds a share token, which reads {@link #sharedJob()} only. */
  public boolean isShare() {
    return sharedJob != null;
  }

  /** Whether this caller may see the job: its owner, an admin, or anyone if it is public. */
  public boolean canSee(Job job) {
    if (sharedJob != null) {
      return sharedJob.equals(job.id());
    }
    return isAdmin()
        || job.owner().equals(name)
        || job.accessibility() == dev.jobkit.sdk.jobs.Accessibility.PUBLIC;
  }

  /** Whether this caller may change the job: its owner or an admin (never a share token). */
  public boolean canModify(Job job) {
    return sharedJob == null && (isAdmin() || job.owner().equals(name));
  }

  /** This caller as the actor of an event. */
  public Actor actor() {
    return new Actor(name, kind);
  }
}
