package dev.jobkit.server.store;

import dev.jobkit.sdk.users.Role;
import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.sdk.users.User;
import java.util.List;
import java.util.Optional;

/** Users and the hashes of their API keys. */
public interface UserStore {

  /** Creates a user; false if the name is taken. */
  boolean create(String name, Role role, SchedulingMode mode);

  Optional<User> find(String name);

  List<User> list();

  /** Sets a user's scheduling mode; false if there is no such user. */
  boolean setSchedulingMode(String name, SchedulingMode mode);

  /** Records a key's hash for a user under a new key id. */
  void addKey(String keyId, String user, String keyHash);

  /** The user a key hash belongs to. */
  Optional<User> findByKeyHash(String keyHash);

  /**
   * The users' numbers (given once when a user is made, never changed or given again; V22), for the
   * names that are users; a name that is none is left out.
   */
  java.util.Map<String, Long> numbers(java.util.Collection<String> names);
}
