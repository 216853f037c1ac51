package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.guard.PromptText;
import dev.jobkit.sdk.users.NewUser;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.sdk.users.User;
import dev.jobkit.tools.registry.Outputs;
import dev.jobkit.tools.registry.UserInputs;
import java.util.Optional;

/**
 * The user tools: {@code whoami} and {@code list_users} read; {@code create_user} and {@code
 * set_scheduling_mode} (admin writes) are guarded actions checked and done here.
 */
final class UserTools {

  private final JobkitClient client;

  UserTools(JobkitClient client) {
    this.client = client;
  }

  Outputs.Identity whoami() {
    return UserViews.identity(client.users().me());
  }

  Outputs.UserList list() {
    return new Outputs.UserList(client.users().list().stream().map(UserViews::identity).toList());
  }

  GuardedAction create(UserInputs.CreateUser in) {
    return new CreateUser(client, in);
  }

  GuardedAction setMode(UserInputs.SetSchedulingMode in) {
    return new SetMode(client, in);
  }

  /** Creating a user (admin). */
  static final class CreateUser extends GuardedAction.AskThenDo {
    private final JobkitClient client;
    private final UserInputs.CreateUser in;
    private User created;

    CreateUser(JobkitClient client, UserInputs.CreateUser in) {
      super(in.confirmationToken());
      this.client = client;
      this.in = in;
    }

    private Role role() {
      return in.role() == UserInputs.NewRole.WORKER ? Role.WORKER : Role.USER;
    }

    private SchedulingMode mode() {
      return modeOf(in.schedulingMode());
    }

    @Override
    public Precheck precheck() {
      String who = PromptText.quoted(in.name());
      if (find(client, in.name()).isPresent()) {
        return Prechecks.of(
            "create_user", null, false, "A user named " + who + " exists already.", null);
      }
      String consequence =
          "It creates user "
              + who
              + " with role "
              + role().name().toLowerCase(java.util.Locale.ROOT)
              + " and scheduling mode "
              + mode().name().toLowerCase(java.util.Locale.ROOT)
              + "; users cannot be removed through the API.";
      return Prechecks.of(
          "create_user",
          null,
          true,
          consequence,
          "An agent wants to create a user. " + consequence + " Create it? [yes/no]");
    }

    @Override
    String doIt() {
      created = client.users().create(new NewUser(in.name(), role(), mode()));
      return "created user " + created.name();
    }

    @Override
    public void describeResult(Outcome outcome, GuardedResultBuilder result) {
      result.user(UserViews.identity(created));
    }
  }

  /** Setting a user's scheduling mode (admin). */
  static final class SetMode extends GuardedAction.AskThenDo {
    private final JobkitClient client;
    private final UserInputs.SetSchedulingMode in;
    private User changed;

    SetMode(JobkitClient client, UserInputs.SetSchedulingMode in) {
      super(in.confirmationToken());
      this.client = client;
      this.in = in;
    }

    private SchedulingMode mode() {
      return modeOf(in.schedulingMode());
    }

    @Override
    public Precheck precheck() {
      String who = PromptText.quoted(in.user());
      Optional<User> user = find(client, in.user());
      if (user.isEmpty()) {
        return Prechecks.of(
            "set_scheduling_mode", null, false, "There is no user named " + who + ".", null);
      }
      String from = user.get().schedulingMode().name().toLowerCase(java.util.Locale.ROOT);
      String to = mode().name().toLowerCase(java.util.Locale.ROOT);
      String consequence =
          from.equals(to)
              ? "User " + who + " is " + to + " already; nothing changes."
              : "User "
                  + who
                  + " goes from "
                  + from
                  + " to "
                  + to
                  + (mode() == SchedulingMode.SERIAL
                      ? ": at most one of their jobs runs at a time."
                      : ": several of their jobs may run at once.");
      return Prechecks.of(
          "set_scheduling_mode",
          null,
          true,
          consequence,
          "An agent wants to change a user's scheduling mode. "
              + consequence
              + " Go ahead? [yes/no]");
    }

    @Override
    String doIt() {
      changed = client.users().setSchedulingMode(in.user(), mode());
      return "user " + changed.name() + " is " + changed.schedulingMode() + " now";
    }

    @Override
    public void describeResult(Outcome outcome, GuardedResultBuilder result) {
      result.user(UserViews.identity(changed));
    }
  }

  /** The SDK's mode of a tool's mode; parallel when left out, as the service's default. */
  private static SchedulingMode modeOf(UserInputs.Mode mode) {
    return mode == UserInputs.Mode.SERIAL ? SchedulingMode.SERIAL : SchedulingMode.PARALLEL;
  }

  private static Optional<User> find(JobkitClient client, String name) {
    return client.users().list().stream().filter(u -> u.name().equals(name)).findFirst();
  }
}
