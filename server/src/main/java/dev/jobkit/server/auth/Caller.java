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
 */
public record Caller(String name, Role role, ActorKind kind) {

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  /** Whether this caller may see the job: its owner, an admin, or anyone if it is public. */
  public boolean canSee(Job job) {
    return isAdmin()
        || job.owner().equals(name)
        || job.accessibility() == dev.jobkit.sdk.jobs.Accessibility.PUBLIC;
  }

  /** Whether this caller may change the job: its owner or an admin. */
  public boolean canModify(Job job) {
    return isAdmin() || job.owner().equals(name);
  }

  /** This caller as the actor of an event. */
  public Actor actor() {
    return new Actor(name, kind);
  }
}
