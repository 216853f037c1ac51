package dev.jobkit.shell.command;

import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code job stop}, {@code job delete} and {@code job flush}: the commands that end or remove jobs.
 * Each asks first and verifies its end state, through {@link Guarded}.
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
            .description("Stop a job (asks first; verifies it ends CANCELED)")
            .alias("job cancel")
            .option(YES)
            .arguments("ID", Completions.jobIds(STOPPABLE))
            .action(
                in -> {
                  String id = in.argument("a job id");
                  return Guarded.run(in, id, g -> g.stop(id));
                }),
        JobkitCommand.named("job delete", session)
            .group(JobCommands.GROUP)
            .description("Delete an ended job with its events and files (asks first)")
            .option(YES)
            .option(Opt.flag("keep-files", "keep the job's files on disk"))
            .arguments("ID", Completions.jobIds(DELETABLE))
            .action(
                in -> {
                  String id = in.argument("a job id");
                  boolean purge = !in.flag("keep-files");
                  return Guarded.run(in, id, g -> g.delete(id, purge));
                }),
        JobkitCommand.named("job flush", session)
            .group(JobCommands.GROUP)
            .description("Stop and remove many jobs at once (shows them and asks first)")
            .option(
                Opt.value(
                        "scope",
                        "active|all",
                        "active (default): queued and running; all: every job")
                    .completes(Completions.words("active", "all")))
            .option(Opt.flag("keep-files", "keep the jobs' files on disk"))
            .option(Opt.flag("force", "remove jobs even if their processes do not end"))
            .option(YES)
            .action(
                in -> {
                  FlushScope scope = scope(in.string("scope").orElse("active"));
                  boolean purge = !in.flag("keep-files");
                  boolean force = in.flag("force");
                  // Followed for as long as a person waits: Ctrl-C leaves it running on the
                  // service, and a big flush takes minutes.
                  return Guarded.run(
                      in, null, g -> g.withVerifyTimeout(FLUSH_FOLLOW).flush(scope, purge, force));
                }));
  }

  private static FlushScope scope(String s) {
    try {
      return FlushScope.valueOf(s.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--scope must be active or all, not '" + s + "'");
    }
  }
}
