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

  /**
   * The user of this client's key: its name, role and scheduling mode.
   *
   * @return the key's user
   * @throws AuthenticationException if the service does not know the key
   */
  public User me() {
    return calls.run(api::me);
  }

  /**
   * Every user of the service (admin).
   *
   * @return the users
   * @throws ForbiddenException if the key is not an admin's
   */
  public List<User> list() {
    return calls.run(api::users);
  }

  /**
   * Creates a user (admin); not retried, since a lost answer would make the retry a conflict.
   *
   * @param user the new user's name, role and scheduling mode
   * @return the user as the service created it
   * @throws ForbiddenException if the key is not an admin's
   * @throws ConflictException if a user of that name exists
   * @throws ValidationException if the name or a value is not valid
   */
  public User create(NewUser user) {
    return calls.once(() -> api.createUser(user));
  }

  /**
   * Creates an API key for a user (admin); the key is in the answer and nowhere else.
   *
   * @param user the name of the user the key is for
   * @return the new key, its secret included: keep it, the service cannot show it again
   * @throws ForbiddenException if the key is not an admin's
   * @throws NotFoundException if there is no user of that name
   */
  public ApiKey createKey(String user) {
    return calls.once(() -> api.createKey(user));
  }

  /**
   * Sets a user's scheduling mode (admin): how many of their jobs may run at once.
   *
   * @param user the name of the user
   * @param mode serial or parallel
   * @return the user with its new mode
   * @throws ForbiddenException if the key is not an admin's
   * @throws NotFoundException if there is no user of that name
   */
  public User setSchedulingMode(String user, SchedulingMode mode) {
    return calls.run(() -> api.setScheduling(user, new SchedulingUpdate(mode)));
  }
}
