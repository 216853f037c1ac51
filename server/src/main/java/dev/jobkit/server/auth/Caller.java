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
 * @param share the share whose token this is, or null for any other key; such a caller acts as the
 *     job's owner (role {@code user}) but sees only that job and changes nothing
 */
public record Caller(String name, Role role, ActorKind kind, ShareTokens.Grant share) {

  /** A caller of an API key or a job token: not limited to one job. */
  public Caller(String name, Role role, ActorKind kind) {
    this(name, role, kind, null);
  }

  /** The caller a share token stands for. */
  static Caller sharing(ShareTokens.Grant share) {
    return new Caller(share.owner(), Role.USER, ActorKind.USER, share);
  }

  /** The one job a share token reads, or null for any other key. */
  public String sharedJob() {
    return share == null ? null : share.jobId();
  }

  public boolean isAdmin() {
    return role == Role.ADMIN && share == null;
  }

  /** Whether the caller holds a share token, which reads {@link #sharedJob()} only. */
  public boolean isShare() {
    return share != null;
  }

  /** Whether this caller may see the job: its owner, an admin, or anyone if it is public. */
  public boolean canSee(Job job) {
    if (share != null) {
      return share.jobId().equals(job.id());
    }
    return isAdmin()
        || job.owner().equals(name)
        || job.accessibility() == dev.jobkit.sdk.jobs.Accessibility.PUBLIC;
  }

  /** Whether this caller may change the job: its owner or an admin (never a share token). */
  public boolean canModify(Job job) {
    return share == null && (isAdmin() || job.owner().equals(name));
  }

  /** This caller as the actor of an event. */
  public Actor actor() {
    return new Actor(name, kind);
  }
}
