package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.shell.render.Times;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/** {@code job list}, {@code job get} and {@code job events}: the commands that read jobs. */
final class JobReadCommands {

  /**
   * The formats of {@code job events}: no {@code wide} (the table has every column) and no {@code
   * name} (an event has none).
   */
  private static final Output.Format[] EVENT_FORMATS = {
    Output.Format.JSON, Output.Format.JSONPATH, Output.Format.CUSTOM_COLUMNS
  };

  private static final Opt EVENT_FORMATS_OPTION = Output.option(EVENT_FORMATS);

  private JobReadCommands() {}

  static List<JobkitCommand> all(Session session) {
    return List.of(
        JobkitCommand.named("job list", session)
            .group(JobCommands.GROUP)
            .description("List jobs, newest first")
            .options(ListFilters.OPTIONS)
            .option(Opt.value("limit", "N", "at most N jobs (default 50, max 1000)"))
            .option(Opt.flag("all", "every matching job, page after page"))
            .option(
                Opt.flag(
                        "watch",
                        "keep the list live: ELAPSED and PROGRESS columns, redrawn in place"
                            + " (without a terminal: a line per change)")
                    .shortName('w'))
            .option(Opt.value("for", "DURATION", "with --watch: stop watching after DURATION"))
            .option(JobCommands.JSON)
            .option(Output.OPTION)
            .examples(
                """
                  job list --status running
                  job list --watch --status active
                  job list --status failed,canceled --since 7d
                  job list --tag team=vision --json
                  job list -o wide
                  job list -o jsonpath='{.items[*].id}'
                  job list -o custom-columns=ID:.id,NAME:.display_name,STATUS:.status\
                """)
            .action(JobReadCommands::list),
        JobkitCommand.named("job get", session)
            .group(JobCommands.GROUP)
            .description("Show one job")
            .option(JobCommands.JSON)
            .option(Output.OPTION)
            .arguments("ID", Completions.jobIds())
            .action(JobReadCommands::get),
        JobkitCommand.named("job events", session)
            .group(JobCommands.GROUP)
            .description("Show a job's history: transitions, renames, visibility changes")
            .option(JobCommands.JSON)
            .option(EVENT_FORMATS_OPTION)
            .arguments("ID", Completions.jobIds())
            .examples(
                """
                  job events job_01j9...
                  job events job_01j9... -o jsonpath='{.items[*].to_status}'
                  job events job_01j9... -o custom-columns=AT:.at,TO:.to_status,BY:.actor\
                """)
            .action(JobReadCommands::events));
  }

  private static int list(Invocation in) {
    Output output = Output.of(in);
    JobQuery.Builder q = ListFilters.query(in);
    int limit = in.integer("limit", 1, 1000).orElse(50);
    boolean all = in.flag("all");
    q.limit(all ? 1000 : limit);
    JobQuery query = q.build();
    Supplier<List<Job>> read =
        all
            ? () -> in.client().jobs().listAll(query).toList()
            : () -> in.client().jobs().list(query).items();
    if (in.flag("watch")) {
      if (output.format().isPresent()) {
        throw new UsageException(
            "--watch shows the table only, not -o "
                + output.format().get()
                + "; for each change as a line of JSON, 'job watch --json'");
      }
      Instant until =
          in.string("for")
              .map(s -> Instant.now().plus(Times.parseDuration(s, "--for")))
              .orElse(null);
      return ListWatch.run(in, read, until);
    }
    if (in.string("for").isPresent()) {
      throw new UsageException("--for goes with --watch");
    }
    output.jobs(in.render(), read.get(), Instant.now());
    return Exits.OK;
  }

  private static int get(Invocation in) {
    Output output = Output.of(in);
    Job job = in.client().jobs().get(in.argument("a job id"));
    output.job(in.render(), job);
    return Exits.OK;
  }

  private static int events(Invocation in) {
    Output output = Output.of(in, EVENT_FORMATS);
    List<JobEvent> events = in.client().jobs().events(in.argument("a job id"));
    output.items(in.render(), events, in.render()::events, null);
    return Exits.OK;
  }
}
