package dev.jobkit.tools.executor;

import dev.jobkit.sdk.users.User;
import dev.jobkit.tools.registry.Outputs;
import java.util.Locale;

/** A user as the tools show one: name, and role and scheduling mode in lower case. */
final class UserViews {

  private UserViews() {}

  static Outputs.Identity identity(User user) {
    return new Outputs.Identity(
        user.name(),
        user.role().name().toLowerCase(Locale.ROOT),
        user.schedulingMode().name().toLowerCase(Locale.ROOT));
  }
}
