package dev.jobkit.shell.command;

import static dev.jobkit.sdk.guard.PromptText.clean;
import static dev.jobkit.sdk.guard.PromptText.quoted;

import dev.jobkit.sdk.GuardedActions;
import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.JobkitException;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.sdk.users.User;
import dev.jobkit.shell.render.Style;
import dev.jobkit.shell.render.Times;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code job stop} and {@code job delete} with selectors ({@code --status}, {@code --name}, {@code
 * --tag}, {@code --owner}) instead of a job id, as {@code kubectl delete -l} and Slurm's {@code
 * scancel --state --name --user}. The guarded protocol, for many jobs:
 *
 * <ol>
 *   <li><b>pre-check</b>: the jobs are listed with the query of {@code job list} (of the ones the
 *       caller may change: a user's own, an admin's everyone's), narrowed to the states the action
 *       is allowed in; how many, by state, and the first {@value #SHOWN} by name, every name
 *       quoted;
 *   <li><b>confirm</b>: one question for them all ({@code --yes} for scripts; refused without a
 *       terminal);
 *   <li><b>execute</b>: each job through its own guarded action, whose request carries the state
 *       the job was just read in ({@code expected_status}); a job that is no longer in the state or
 *       under the name it was listed with is not touched, and is reported {@code RACE_LOST};
 *   <li><b>verify</b>: each job's end state, as its guarded action verifies it.
 * </ol>
 *
 * <p>One outcome line per job, then a summary. {@code --dry-run} lists the jobs and changes
 * nothing.
 */
final class SelectedJobs {

  /** How many of the matching jobs the question shows by name. */
  static final int SHOWN = 10;

  private SelectedJobs() {}

  /** A usage error unless exactly one of a job id and selectors was given. */
  static boolean selecting(Invocation in) {
    boolean selectors = Selectors.given(in);
    boolean id = !in.arguments().isEmpty();
    if (selectors && id) {
      throw new UsageException(
          "give "
              + in.commandName()
              + " a job id or selectors (--status, --name, --tag, --owner), not both");
    }
    if (!selectors && in.flag("dry-run")) {
      throw new UsageException(
          "--dry-run goes with selectors (--status, --name, --tag, --owner); 'job get ID' shows"
              + " one job");
    }
    return selectors;
  }

  /** Runs {@code operation} (stop or delete) on the jobs the selectors pick. */
  static int run(Invocation in, Operation operation, boolean purgeArtifacts) {
    boolean dryRun = in.flag("dry-run");
    if (!dryRun) {
      Guarded.refuseWithoutTerminal(in);
    }
    JobkitClient client = in.client();
    PrintWriter out = in.out();
    Style style = in.style();
    String verb = operation == Operation.STOP ? "stop" : "delete";

    JobQuery query = query(in, client, operation);
    List<Job> jobs = client.jobs().listAll(query).toList();
    String which = describe(query, !Selectors.statuses(in).isEmpty());
    if (jobs.isEmpty()) {
      out.println("No job" + which + " can be " + past(verb) + "; nothing to " + verb + ".");
      out.flush();
      return Exits.OK;
    }
    if (dryRun) {
      table(jobs, jobs.size(), out);
      out.println(
          jobs.size()
              + " job(s)"
              + which
              + " would be "
              + past(verb)
              + "; nothing was changed (--dry-run).");
      out.flush();
      return Exits.OK;
    }

    // Pre-check, shown: how many, by state, the first by name; then one question.
    out.println(jobs.size() + " job(s)" + which + ": " + byStatus(jobs) + ".");
    table(jobs, SHOWN, out);
    out.println(consequence(operation, jobs, purgeArtifacts));
    String prompt =
        (operation == Operation.STOP ? "Stop" : "Delete")
            + " these "
            + jobs.size()
            + " job(s)? [yes/no]";
    if (!Guarded.ask(in.session(), prompt, in.flag("yes"), out, style)) {
      out.println(
          style.yellow("DECLINED")
              + ": not confirmed; the "
              + jobs.size()
              + " job(s) were left as they were");
      out.flush();
      return Exits.of(OutcomeKind.DECLINED);
    }

    // Execute and verify, one job at a time, each bound to what was listed.
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    int done = 0;
    boolean failed = false;
    for (Job listed : jobs) {
      if (Thread.currentThread().isInterrupted()) {
        return interrupted(in, done, jobs.size());
      }
      Listed seen = new Listed(listed);
      GuardedActions guarded = client.guarded(seen);
      String label = clean(listed.id()) + " " + quoted(listed.displayName());
      String kind;
      try {
        Outcome outcome =
            operation == Operation.STOP
                ? guarded.stop(listed.id())
                : guarded.delete(listed.id(), purgeArtifacts);
        kind = line(outcome, seen, label, out, style);
      } catch (JobkitException e) {
        if (Thread.currentThread().isInterrupted()) {
          return interrupted(in, done, jobs.size());
        }
        kind = "FAILED";
        out.println(style.red(kind) + ": " + label + ": " + Exits.of(e).message());
      }
      out.flush();
      counts.merge(kind, 1, Integer::sum);
      done++;
      failed |= kind.equals("FAILED") || kind.equals(OutcomeKind.UNVERIFIED.name());
    }
    int applied = counts.getOrDefault("APPLIED", 0);
    StringBuilder summary =
        new StringBuilder(past(verb) + " " + applied + " of " + jobs.size() + " job(s): ");
    counts.forEach((k, n) -> summary.append(n).append(' ').append(k).append(", "));
    summary.setLength(summary.length() - 2);
    out.println(summary);
    out.flush();
    if (applied == jobs.size()) {
      return Exits.OK;
    }
    // Something not done: 1 when any failed or was not verified, else 4 (it changed meanwhile, or
    // its state did not allow it).
    return failed ? Exits.ERROR : Exits.INVALID_STATE;
  }

  /**
   * The query of {@code job list} with these selectors, narrowed to the states {@code operation} is
   * allowed in and to the jobs the caller may change.
   */
  private static JobQuery query(Invocation in, JobkitClient client, Operation operation) {
    List<JobStatus> statuses = Selectors.statuses(in);
    for (JobStatus s : statuses) {
      if (!operation.allowedIn(s)) {
        throw new UsageException(
            "--status "
                + s
                + ": "
                + in.commandName()
                + " acts on jobs it is allowed for, and "
                + operation.wireName()
                + " is not allowed in "
                + s
                + " (only in "
                + String.join(", ", operation.allowedStatuses().stream().map(Enum::name).toList())
                + ")");
      }
    }
    JobQuery.Builder q = Selectors.apply(in, JobQuery.builder());
    if (statuses.isEmpty()) {
      q.status(operation.allowedStatuses().toArray(JobStatus[]::new));
    }
    User me = client.users().me();
    if (me.role() != Role.ADMIN) {
      String owner = in.string("owner").orElse("me");
      if (!owner.equals("me") && !owner.equals(me.name())) {
        throw new RefusedException(
            "only an admin may "
                + operation.wireName()
                + " another user's jobs; nothing was sent (--owner me, or leave it out, for"
                + " yours)");
      }
      q.owner(me.name());
    } else {
      in.string("owner").map(o -> o.equals("me") ? me.name() : o).ifPresent(q::owner);
    }
    return q.limit(1000).build();
  }

  /** {@code of alice in state RUNNING whose name contains "train" tagged "team=vision"}. */
  private static String describe(JobQuery q, boolean statusesGiven) {
    StringBuilder s = new StringBuilder();
    s.append(q.owner() == null ? " of any user" : " of " + clean(q.owner()));
    if (statusesGiven) {
      s.append(" in state ")
          .append(String.join(" or ", q.statuses().stream().map(Enum::name).toList()));
    }
    if (q.nameContains() != null) {
      s.append(" whose name contains ").append(quoted(q.nameContains()));
    }
    if (!q.tags().isEmpty()) {
      s.append(" tagged ")
          .append(
              String.join(
                  " and ",
                  new java.util.TreeMap<>(q.tags())
                      .entrySet().stream()
                          .map(e -> quoted(e.getKey() + "=" + e.getValue()))
                          .toList()));
    }
    return s.toString();
  }

  /** {@code 3 RUNNING, 2 QUEUED}. */
  private static String byStatus(List<Job> jobs) {
    Map<JobStatus, Integer> by = new EnumMap<>(JobStatus.class);
    jobs.forEach(j -> by.merge(j.status(), 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    by.forEach((s, n) -> parts.add(n + " " + s));
    return String.join(", ", parts);
  }

  /** The first {@code limit} jobs, one a line: id, quoted name, state, owner. */
  static void table(List<Job> jobs, int limit, PrintWriter out) {
    List<Job> shown = jobs.subList(0, Math.min(limit, jobs.size()));
    int width = shown.stream().mapToInt(j -> quoted(j.displayName()).length()).max().orElse(2);
    for (Job j : shown) {
      out.println(
          "  "
              + clean(j.id())
              + "  "
              + pad(quoted(j.displayName()), width)
              + "  "
              + pad(String.valueOf(j.status()), 16)
              + "  "
              + clean(j.owner()));
    }
    if (jobs.size() > shown.size()) {
      out.println("  … and " + (jobs.size() - shown.size()) + " more");
    }
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  /** What the action does to these jobs, in the words of a person. */
  private static String consequence(Operation operation, List<Job> jobs, boolean purgeArtifacts) {
    String bound =
        " Each job is "
            + (operation == Operation.STOP ? "stopped" : "deleted")
            + " only while it is still in the state and under the name shown; one that changed"
            + " is left alone.";
    if (operation == Operation.DELETE) {
      return (purgeArtifacts
              ? "Deleting them removes the jobs, their events and their files"
              : "Deleting them removes the jobs and their events (their files stay on disk)")
          + "; this cannot be undone."
          + bound;
    }
    long notStarted = jobs.stream().filter(j -> !j.status().isLaunched()).count();
    long stopping = jobs.stream().filter(j -> j.status() == JobStatus.CANCEL_REQUESTED).count();
    long running = jobs.size() - notStarted - stopping;
    List<String> parts = new ArrayList<>();
    if (notStarted > 0) {
      parts.add("cancels the " + notStarted + " not started yet before they run");
    }
    if (running > 0) {
      parts.add(
          "ends the " + running + " running, discarding any progress they have not checkpointed");
    }
    if (stopping > 0) {
      parts.add("waits for the " + stopping + " being stopped already to end");
    }
    return "Stopping them " + String.join("; ", parts) + "; this cannot be undone." + bound;
  }

  /** Prints the outcome line of one job; its kind as counted in the summary. */
  private static String line(
      Outcome outcome, Listed seen, String label, PrintWriter out, Style style) {
    OutcomeKind kind = outcome.kind();
    String took = style.dim(" (" + Times.short_(outcome.took()) + ")");
    if (seen.changed != null) {
      // Our yes was for the job as listed; it is not that job any more.
      out.println(style.red(OutcomeKind.RACE_LOST.name()) + ": " + label + ": " + seen.changed);
      return OutcomeKind.RACE_LOST.name();
    }
    switch (kind) {
      case APPLIED ->
          out.println(
              style.green("APPLIED")
                  + ": "
                  + label
                  + ": "
                  + outcome.message()
                  + ", verified"
                  + took);
      case UNVERIFIED ->
          out.println(
              style.yellow("UNVERIFIED")
                  + ": "
                  + label
                  + ": "
                  + outcome.message()
                  + "; the end state was NOT verified"
                  + took);
      case NOT_FOUND, ALREADY_TERMINAL -> {
        // Listed a moment ago: it changed under us.
        out.println(
            style.red(OutcomeKind.RACE_LOST.name())
                + ": "
                + label
                + ": "
                + outcome.message()
                + " (it changed since it was listed)");
        return OutcomeKind.RACE_LOST.name();
      }
      default -> out.println(style.red(kind.name()) + ": " + label + ": " + outcome.message());
    }
    return kind.name();
  }

  private static int interrupted(Invocation in, int done, int total) {
    in.render()
        .note(
            "stopped after "
                + done
                + " of "
                + total
                + " job(s); the others were left as they were (the one under way may still"
                + " complete)");
    return Exits.INTERRUPTED;
  }

  private static String past(String verb) {
    return verb.equals("stop") ? "stopped" : "deleted";
  }

  /**
   * The confirmer of one job's guarded action: the person said yes to the job as it was listed, so
   * it says yes only while the job's pre-check shows the same job in the same state under the same
   * name, and otherwise records why not.
   */
  private static final class Listed implements Confirmer {
    private final Job listed;
    private String changed;

    Listed(Job listed) {
      this.listed = listed;
    }

    @Override
    public boolean confirm(dev.jobkit.sdk.guard.Precheck precheck) {
      if (!listed.id().equals(precheck.jobId())) {
        changed = "not the job that was listed; it was left alone";
      } else if (precheck.status() != listed.status()) {
        changed =
            "it was "
                + listed.status()
                + " when listed and is "
                + precheck.status()
                + " now; it was left alone";
      } else if (!Objects.equals(precheck.displayName(), listed.displayName())) {
        changed =
            "it was renamed to "
                + quoted(precheck.displayName())
                + " since it was listed; it was left alone";
      } else {
        return true;
      }
      return false;
    }
  }
}
