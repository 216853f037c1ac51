package dev.jobkit.shell.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code job} commands, one class per verb family: submitting and changing ({@link
 * JobSubmitCommands}), reading ({@link JobReadCommands}), following ({@link JobFollowCommands}) and
 * ending or removing ({@link JobControlCommands}), sharing ({@link JobShareCommands}), a shell in a
 * pod ({@link JobTerminalCommands}). They translate options into SDK calls and print through one
 * {@link Renderer} (tables for people, {@code --json} for programs). Lifecycle questions (which
 * statuses end a job, which allow a stop) are asked of the SDK's lifecycle table.
 */
public final class JobCommands {

  /** The group the job commands are listed under in help. */
  static final String GROUP = "Jobs";

  /** {@code --json}, as the job commands that print one answer take it. */
  static final Opt JSON = Opt.flag("json", "print JSON instead of a table");

  private JobCommands() {}

  /** Every {@code job} command of {@code session}. */
  public static List<JobkitCommand> all(Session session) {
    List<JobkitCommand> commands = new ArrayList<>();
    commands.addAll(JobSubmitCommands.all(session));
    commands.addAll(JobReadCommands.all(session));
    commands.addAll(JobControlCommands.all(session));
    commands.addAll(JobFollowCommands.all(session));
    commands.addAll(JobWaitCommands.all(session));
    commands.addAll(JobSummaryCommands.all(session));
    commands.addAll(JobShareCommands.all(session));
    commands.addAll(JobTerminalCommands.all(session));
    commands.addAll(JobResultsCommands.all(session));
    commands.addAll(JobHistoryCommands.all(session));
    return commands;
  }

  /** {@code KEY=VALUE} option values ({@code --tag}, {@code --env}) as a map, in their order. */
  static Map<String, String> pairs(List<String> values, String option) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw new UsageException(option + " must be KEY=VALUE, not '" + v + "'");
      }
      map.put(v.substring(0, eq), v.substring(eq + 1));
    }
    return map;
  }
}
