package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.ActorKind;

/** Who causes a change, as written in the event log. */
public record Actor(String name, ActorKind kind) {

  public static final Actor SCHEDULER = new Actor("scheduler", ActorKind.SYSTEM);
  public static final Actor EXECUTOR = new Actor("local-executor", ActorKind.WORKER);
  public static final Actor RECOVERY = new Actor("recovery", ActorKind.SYSTEM);

  public static Actor user(String name) {
    return new Actor(name, ActorKind.USER);
  }
}
