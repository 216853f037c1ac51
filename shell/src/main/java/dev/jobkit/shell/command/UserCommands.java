package dev.jobkit.shell.command;

import dev.jobkit.sdk.users.ApiKey;
import dev.jobkit.sdk.users.NewUser;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.sdk.users.User;
import dev.jobkit.shell.render.Json;
import dev.jobkit.shell.render.Table;
import dev.jobkit.shell.render.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code me} and the {@code user} commands (creating users and keys needs an admin key). */
public final class UserCommands {

  private static final String GROUP = "Users";

  /**
   * The formats of {@code user list}: no {@code wide} (the table has every field of a user); {@code
   * name} prints the users' names.
   */
  private static final Output.Format[] USER_FORMATS = {
    Output.Format.JSON, Output.Format.NAME, Output.Format.JSONPATH, Output.Format.CUSTOM_COLUMNS
  };

  private UserCommands() {}

  /** Every user command of {@code session}. */
  public static List<JobkitCommand> all(Session session) {
    Opt json = Opt.flag("json", "print JSON instead of a table");
    List<JobkitCommand> commands = new ArrayList<>();
    commands.add(
        JobkitCommand.named("me", session)
            .group(GROUP)
            .description("Who the shell acts as: user, role, scheduling mode")
            .option(json)
            .action(
                in -> {
                  User me = in.client().users().me();
                  if (in.flag("json")) {
                    in.out().println(Json.write(me));
                  } else {
                    in.out()
                        .println(
                            in.style().bold(me.name())
                                + " ("
                                + lower(me.role())
                                + ", "
                                + lower(me.schedulingMode())
                                + " scheduling)");
                  }
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("user list", session)
            .group(GROUP)
            .description("List users (admin)")
            .option(json)
            .option(Output.option(USER_FORMATS))
            .examples(
                """
                  user list
                  user list -o name
                  user list -o custom-columns=NAME:.name,MODE:.scheduling_mode\
                """)
            .action(
                in -> {
                  Output output = Output.of(in, USER_FORMATS);
                  List<User> users = in.client().users().list();
                  output.items(in.render(), users, us -> table(in, us), User::name);
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("user create", session)
            .group(GROUP)
            .description("Create a user (admin); then 'user key NAME' gives them a key")
            .option(
                Opt.value("role", "user|admin", "their role (default user)")
                    .completes(Completions.words("user", "admin")))
            .option(
                Opt.value("scheduling", "serial|parallel", "how many of their jobs run at once")
                    .completes(Completions.words("serial", "parallel")))
            .option(json)
            .arguments("NAME", null)
            .action(
                in -> {
                  String name = in.argument("a user name");
                  Role role = parse(Role.class, in.string("role").orElse("user"), "--role");
                  SchedulingMode mode =
                      in.string("scheduling")
                          .map(s -> parse(SchedulingMode.class, s, "--scheduling"))
                          .orElse(null);
                  User user = in.client().users().create(new NewUser(name, role, mode));
                  if (in.flag("json")) {
                    in.out().println(Json.write(user));
                  } else {
                    in.out().println("created user " + in.style().bold(user.name()));
                  }
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("user key", session)
            .group(GROUP)
            .description("Create an API key for a user (admin); it is shown only once")
            .option(json)
            .arguments("NAME", Completions.userNames(false))
            .action(
                in -> {
                  ApiKey key = in.client().users().createKey(in.argument("a user name"));
                  if (in.flag("json")) {
                    in.out().println(Json.write(key));
                  } else {
                    in.out().println(key.key());
                    in.out()
                        .println(
                            in.style()
                                .dim("(the key of " + key.user() + "; it is not shown again)"));
                  }
                  return Exits.OK;
                }));
    commands.add(
        JobkitCommand.named("user scheduling", session)
            .group(GROUP)
            .description("Set a user's scheduling mode: serial or parallel (admin)")
            .argumentsByPosition(
                "NAME serial|parallel",
                List.of(Completions.userNames(false), Completions.words("serial", "parallel")))
            .action(
                in -> {
                  List<String> args = in.arguments();
                  if (args.size() != 2) {
                    throw new UsageException("usage: user scheduling NAME serial|parallel");
                  }
                  User user =
                      in.client()
                          .users()
                          .setSchedulingMode(
                              args.get(0), parse(SchedulingMode.class, args.get(1), "the mode"));
                  in.out()
                      .println(
                          user.name() + " now has " + lower(user.schedulingMode()) + " scheduling");
                  return Exits.OK;
                }));
    return commands;
  }

  /** The users' table: NAME ROLE SCHEDULING CREATED. */
  private static void table(Invocation in, List<User> users) {
    Table t = Table.of("NAME", "ROLE", "SCHEDULING", "CREATED");
    Instant now = Instant.now();
    users.forEach(
        u ->
            t.row(
                u.name(),
                lower(u.role()),
                lower(u.schedulingMode()),
                Times.relative(u.createdAt(), now)));
    t.print(in.out(), in.style(), in.width());
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String value, String what) {
    try {
      return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names =
          java.util.Arrays.stream(type.getEnumConstants()).map(UserCommands::lower).toList();
      throw new UsageException(what + " must be one of " + names + ", not '" + value + "'");
    }
  }

  private static String lower(Enum<?> e) {
    return e == null ? "-" : e.name().toLowerCase(Locale.ROOT);
  }
}
