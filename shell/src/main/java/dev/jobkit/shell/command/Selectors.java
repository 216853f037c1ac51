package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The job selectors ({@code --status}, {@code --owner}, {@code --tag}, {@code --name}): one set of
 * options and one reading of them into a {@link JobQuery}, shared by {@code job list} and the risky
 * actions that take them ({@code job stop}, {@code job delete}, {@code job flush}), so an action
 * hits what {@code job list} with the same selectors shows.
 */
final class Selectors {

  static final Opt STATUS =
      Opt.value("status", "STATUS", "only these states (aliases: running, pending, ...)")
          .many()
          .completes(Completions.statuses());
  static final Opt OWNER =
      Opt.value("owner", "USER", "only this user's jobs (me: yours)")
          .completes(Completions.userNames(true));
  static final Opt TAG = Opt.value("tag", "KEY=VALUE", "only jobs with this tag").many();
  static final Opt NAME = Opt.value("name", "TEXT", "display name contains TEXT");
  static final Opt DRY_RUN =
      Opt.flag("dry-run", "list the jobs it would hit (id, name, state, owner); change nothing");

  /** The selector options, in the order help shows them. */
  static final List<Opt> ALL = List.of(STATUS, NAME, TAG, OWNER);

  private Selectors() {}

  /** Whether any selector was given. */
  static boolean given(Invocation in) {
    return ALL.stream().anyMatch(o -> !in.strings(o.name()).isEmpty());
  }

  /** The states of {@code --status}, read with the aliases; a usage error names a wrong one. */
  static List<JobStatus> statuses(Invocation in) {
    List<JobStatus> statuses = new ArrayList<>();
    for (String s : in.strings("status")) {
      try {
        statuses.add(JobStatus.parse(s));
      } catch (IllegalArgumentException unknown) {
        throw new UsageException("--status: " + unknown.getMessage());
      }
    }
    return statuses;
  }

  /**
   * Adds the selectors given to {@code q}: {@code --status}, {@code --owner}, {@code --tag}, {@code
   * --name}.
   */
  static JobQuery.Builder apply(Invocation in, JobQuery.Builder q) {
    statuses(in).forEach(q::status);
    in.string("owner").ifPresent(q::owner);
    JobCommands.pairs(in.strings("tag"), "--tag").forEach(q::tag);
    in.string("name").ifPresent(q::nameContains);
    return q;
  }
}
