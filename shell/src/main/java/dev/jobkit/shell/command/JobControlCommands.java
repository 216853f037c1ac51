package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.guard.PromptText;
import dev.jobkit.sdk.jobs.JobSummary;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code job stop}, {@code job delete} and {@code job flush}: the commands that end or remove jobs,
 * one by id or the ones selectors pick ({@link SelectedJobs}; a flush's selectors are the service's
 * flush filters). Each asks first and verifies its end state, through {@link Guarded}.
 */
final class JobControlCommands {

  /** How long {@code job flush} follows the flush's operation before it reports it unverified. */
  private static final Duration FLUSH_FOLLOW = Duration.ofMinutes(30);

  private static final JobStatus[] STOPPABLE =
      Operation.STOP.allowedStatuses().toArray(JobStatus[]::new);
  private static final JobStatus[] DELETABLE =
      Operation.DELETE.allowedStatuses().toArray(JobStatus[]::new);

  private static final Opt YES =
      Opt.flag("yes", "do not ask; answer yes (for scripts)").shortName('y');

  private JobControlCommands() {}

  static List<JobkitCommand> all(Session session) {
    return List.of(
        JobkitCommand.named("job stop", session)
            .group(JobCommands.GROUP)
            .description(
                "Stop a job, or the jobs the selectors pick (asks first; verifies they end"
                    + " CANCELED)")
            .alias("job cancel")
            .options(Selectors.ALL)
            .option(Selectors.DRY_RUN)
            .option(YES)
            .arguments("[ID]", Completions.jobIds(STOPPABLE))
            .examples(
                """
                  job stop job_01m852djtvmz9twen90hneqkjw
                  job stop --status queued --name sweep --dry-run
                  job stop --tag team=vision --yes\
                """)
            .action(
                in -> {
                  if (SelectedJobs.selecting(in)) {
                    return SelectedJobs.run(in, Operation.STOP, false);
                  }
                  String id = in.argument("a job id or selectors");
                  return Guarded.run(in, id, g -> g.stop(id));
                }),
        JobkitCommand.named("job delete", session)
            .group(JobCommands.GROUP)
            .description(
                "Delete an ended job, or the ended jobs the selectors pick, with their events and"
                    + " files (asks first)")
            .options(Selectors.ALL)
            .option(Selectors.DRY_RUN)
            .option(YES)
            .option(Opt.flag("keep-files", "keep the job's files on disk"))
            .arguments("[ID]", Completions.jobIds(DELETABLE))
            .examples(
                """
                  job delete job_01m852djtvmz9twen90hneqkjw
                  job delete --status failed,canceled --dry-run
                  job delete --status failed --owner alice --yes\
                """)
            .action(
                in -> {
                  boolean purge = !in.flag("keep-files");
                  if (SelectedJobs.selecting(in)) {
                    return SelectedJobs.run(in, Operation.DELETE, purge);
                  }
                  String id = in.argument("a job id or selectors");
                  return Guarded.run(in, id, g -> g.delete(id, purge));
                }),
        JobkitCommand.named("job flush", session)
            .group(JobCommands.GROUP)
            .description(
                "Stop and remove many jobs at once, or the ones the selectors pick (shows them and"
                    + " asks first)")
            .option(
                Opt.value(
                        "scope",
                        "active|all",
                        "active: queued and running (the default); all: every job (the default"
                            + " with --status)")
                    .completes(Completions.words("active", "all")))
            .options(Selectors.ALL)
            .option(Selectors.DRY_RUN)
            .option(Opt.flag("keep-files", "keep the jobs' files on disk"))
            .option(Opt.flag("force", "remove jobs even if their processes do not end"))
            .option(YES)
            .examples(
                """
                  job flush
                  job flush --status failed --dry-run
                  job flush --scope all --tag team=vision --name sweep --yes\
                """)
            .action(JobControlCommands::flush));
  }

  private static int flush(Invocation in) {
    if (!in.arguments().isEmpty()) {
      throw new UsageException(
          "job flush takes no job id ('job stop ID', 'job delete ID' act on one job); pick jobs"
              + " with --status, --name, --tag, --owner");
    }
    FlushScope scope =
        scope(in.string("scope").orElse(in.strings("status").isEmpty() ? "active" : "all"));
    boolean purge = !in.flag("keep-files");
    boolean force = in.flag("force");
    JobQuery filter = Selectors.apply(in, JobQuery.builder()).build();
    if (in.flag("dry-run")) {
      return dryRun(in, scope, filter, purge);
    }
    Guarded.refuseWithoutTerminal(in);
    Precheck nothing = in.client().guarded(p -> false).precheckFlushMatching(scope, filter, purge);
    if (nothing.jobIds().isEmpty()) {
      // Nothing matches: nothing to ask or do, and nothing went wrong (as scancel, kubectl).
      in.out().println(nothing.consequence());
      in.out().flush();
      return Exits.OK;
    }
    // Followed for as long as a person waits: Ctrl-C leaves it running on the service, and a big
    // flush takes minutes.
    return Guarded.run(
        in,
        null,
        g -> g.withVerifyTimeout(FLUSH_FOLLOW).flushMatching(scope, filter, purge, force));
  }

  /** {@code job flush --dry-run}: the service's dry run, listed; nothing changes. */
  private static int dryRun(Invocation in, FlushScope scope, JobQuery filter, boolean purge) {
    Precheck precheck = in.client().guarded(p -> false).precheckFlushMatching(scope, filter, purge);
    PrintWriter out = in.out();
    if (precheck.jobIds().isEmpty()) {
      out.println(precheck.consequence());
      out.flush();
      return Exits.OK;
    }
    int width =
        precheck.preview().stream()
            .mapToInt(j -> PromptText.quoted(j.displayName()).length())
            .max()
            .orElse(2);
    for (JobSummary j : precheck.preview()) {
      String name = PromptText.quoted(j.displayName());
      out.println(
          "  "
              + PromptText.clean(j.id())
              + "  "
              + name
              + " ".repeat(Math.max(0, width - name.length()))
              + "  "
              + String.format("%-16s", j.status())
              + "  "
              + PromptText.clean(j.owner()));
    }
    List<String> rest =
        precheck
            .jobIds()
            .subList(
                Math.min(precheck.preview().size(), precheck.jobIds().size()),
                precheck.jobIds().size());
    if (!rest.isEmpty()) {
      out.println("  and " + rest.size() + " more: " + String.join(", ", rest));
    }
    out.println(
        precheck.jobIds().size()
            + " job(s) would be flushed (scope "
            + scope.wireName()
            + "); nothing was changed (--dry-run).");
    out.flush();
    return Exits.OK;
  }

  private static FlushScope scope(String s) {
    try {
      return FlushScope.valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--scope must be active or all, not '" + s + "'");
    }
  }
}
