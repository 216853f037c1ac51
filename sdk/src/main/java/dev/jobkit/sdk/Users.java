package dev.jobkit.sdk;

import dev.jobkit.sdk.internal.JobApi;
import dev.jobkit.sdk.internal.SchedulingUpdate;
import dev.jobkit.sdk.users.ApiKey;
import dev.jobkit.sdk.users.NewUser;
import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.sdk.users.User;
import java.util.List;

/** Who the key belongs to, and (for admins) users, their keys and scheduling modes. */
public final class Users {

  private final JobApi api;
  private final Calls calls;

  Users(JobApi api, Calls calls) {
    this.api = api;
    this.calls = calls;
  }

  /** The user of this client's key. */
  public User me() {
    return calls.run(api::me);
  }

  /** Every user (admin). */
  public List<User> list() {
    return calls.run(api::users);
  }

  /** Creates a user (admin); not retried, since a lost answer would make the retry a conflict. */
  public User create(NewUser user) {
    return calls.once(() -> api.createUser(user));
  }

  /** Creates an API key for a user (admin); the key is in the answer and nowhere else. */
  public ApiKey createKey(String user) {
    return calls.once(() -> api.createKey(user));
  }

  /** Sets a user's scheduling mode (admin). */
  public User setSchedulingMode(String user, SchedulingMode mode) {
    return calls.run(() -> api.setScheduling(user, new SchedulingUpdate(mode)));
  }
}
