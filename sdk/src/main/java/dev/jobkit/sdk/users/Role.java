package dev.jobkit.sdk.users;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a user's API keys may do. */
public enum Role {
  /** Submits and manages their own jobs, reads public ones. */
  USER,
  /** Everything, including users, keys and every job. */
  ADMIN,
  /** Executes jobs through the worker protocol. */
  WORKER;

  /**
   * The name the service reads and writes for this role.
   *
   * @return the lower-case wire name ({@code "admin"})
   */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a role by name, ignoring case.
   *
   * @param text a role's name in any case, as a user or the service wrote it
   * @return the role of that name
   * @throws IllegalArgumentException naming the valid roles
   */
  @JsonCreator
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.name().equalsIgnoreCase(text == null ? "" : text.strip())) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + text + "'; valid roles are user, admin, worker");
  }
}
