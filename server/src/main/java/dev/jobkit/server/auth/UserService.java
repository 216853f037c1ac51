package dev.jobkit.server.auth;

import dev.jobkit.sdk.users.ApiKey;
import dev.jobkit.sdk.users.NewUser;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.sdk.users.User;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.engine.Capacity;
import dev.jobkit.server.engine.DispatchQueue;
import dev.jobkit.server.store.UserStore;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;

/** Users, their keys and scheduling modes; everything but {@link #me} is for admins. */
@Service
public class UserService {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final UserStore users;
  private final Capacity capacity;
  private final DispatchQueue queue;

  UserService(UserStore users, Capacity capacity, DispatchQueue queue) {
    this.users = users;
    this.capacity = capacity;
    this.queue = queue;
  }

  /**
   * The caller's user, with the role it acts with: a job's token acts as its owner but never as an
   * admin, so it is shown as {@code user}.
   */
  public User me(Caller caller) {
    User user =
        users.find(caller.name()).orElseThrow(() -> ApiException.unauthorized("no such user"));
    return user.role() == caller.role()
        ? user
        : new User(user.name(), caller.role(), user.schedulingMode(), user.createdAt());
  }

  public List<User> list(Caller caller) {
    requireAdmin(caller);
    return users.list();
  }

  public User create(Caller caller, NewUser request) {
    requireAdmin(caller);
    if (request == null || request.name() == null || request.name().isBlank()) {
      throw ApiException.invalid("name", "required: the new user's name");
    }
    if (!NAME.matcher(request.name()).matches()) {
      throw ApiException.invalid(
          "name", "use 1 to 64 letters, digits, '.', '_' or '-', not '" + request.name() + "'");
    }
    Role role = request.role() == null ? Role.USER : request.role();
    SchedulingMode mode =
        request.schedulingMode() == null ? capacity.defaultMode() : request.schedulingMode();
    if (!users.create(request.name(), role, mode)) {
      throw ApiException.conflict("a user named '" + request.name() + "' already exists");
    }
    return users.find(request.name()).orElseThrow();
  }

  public ApiKey createKey(Caller caller, String name) {
    requireAdmin(caller);
    requireUser(name);
    String key = Keys.newApiKey();
    String keyId = Keys.newId("key");
    users.addKey(keyId, name, Keys.hash(key));
    return new ApiKey(keyId, name, key, Instant.now());
  }

  public User setSchedulingMode(Caller caller, String name, SchedulingMode mode) {
    requireAdmin(caller);
    if (mode == null) {
      throw ApiException.invalid("mode", "required: 'serial' or 'parallel'");
    }
    requireUser(name);
    users.setSchedulingMode(name, mode);
    capacity.modeChanged(name);
    queue.wake();
    return users.find(name).orElseThrow();
  }

  private void requireUser(String name) {
    if (users.find(name).isEmpty()) {
      throw ApiException.notFound("no user named '" + name + "'");
    }
  }

  private static void requireAdmin(Caller caller) {
    if (!caller.isAdmin()) {
      throw ApiException.forbidden("only an admin may manage users");
    }
  }
}
