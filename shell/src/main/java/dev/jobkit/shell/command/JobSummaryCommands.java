package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.render.Table;
import dev.jobkit.shell.render.Times;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code job summary}: what the service is doing at a glance, as Slurm's {@code sinfo}/{@code
 * squeue} summaries and Ray's {@code ray status} show it: the visible jobs that are active, and
 * those created within {@code --since}, counted by status and by owner, and the service's slots in
 * use.
 */
final class JobSummaryCommands {

  /** {@code jobkit_executor_slots 8.0} and {@code jobkit_executor_slots_used 2.0} of /metrics. */
  private static final Pattern SLOTS =
      Pattern.compile("(?m)^jobkit_executor_slots(_used)?(?:\\{[^}]*})? ([0-9.eE+-]+)$");

  private JobSummaryCommands() {}

  static List<JobkitCommand> all(Session session) {
    return List.of(
        JobkitCommand.named("job summary", session)
            .group(JobCommands.GROUP)
            .description("Count the jobs by status and owner, and the slots in use")
            .option(
                Opt.value(
                    "since", "DURATION", "also the ended jobs created within it (default 24h)"))
            .option(JobCommands.JSON)
            .action(JobSummaryCommands::summary));
  }

  /** The counts a summary shows. */
  record Summary(
      Instant since,
      int jobs,
      Map<JobStatus, Integer> byStatus,
      Map<String, int[]> byOwner,
      Integer slots,
      Integer slotsUsed) {

    /** Counts {@code jobs}, each once. */
    static Summary of(Instant since, List<Job> jobs, Optional<int[]> slots) {
      Map<JobStatus, Integer> byStatus = new EnumMap<>(JobStatus.class);
      Map<String, int[]> byOwner = new TreeMap<>();
      for (Job job : jobs) {
        byStatus.merge(job.status(), 1, Integer::sum);
        byOwner.computeIfAbsent(job.owner(), o -> new int[2])[job.status().isActive() ? 0 : 1]++;
      }
      return new Summary(
          since,
          jobs.size(),
          byStatus,
          byOwner,
          slots.map(s -> s[0]).orElse(null),
          slots.map(s -> s[1]).orElse(null));
    }

    /** The summary as JSON-ready maps, in the API's snake_case. */
    Map<String, Object> json() {
      Map<String, Object> statuses = new LinkedHashMap<>();
      byStatus.forEach((status, n) -> statuses.put(status.name(), n));
      Map<String, Object> owners = new LinkedHashMap<>();
      byOwner.forEach((owner, n) -> owners.put(owner, Map.of("active", n[0], "ended", n[1])));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("since", since.toString());
      json.put("jobs", jobs);
      json.put("by_status", statuses);
      json.put("by_owner", owners);
      if (slots != null) {
        json.put("slots", Map.of("total", slots, "used", slotsUsed));
      }
      return json;
    }
  }

  private static int summary(Invocation in) {
    Instant now = Instant.now();
    Instant since = now.minus(Times.parseDuration(in.string("since").orElse("24h"), "--since"));
    JobkitClient client = in.client();
    Map<String, Job> jobs = new LinkedHashMap<>();
    JobStatus[] active =
        Arrays.stream(JobStatus.values()).filter(JobStatus::isActive).toArray(JobStatus[]::new);
    client
        .jobs()
        .listAll(JobQuery.builder().status(active).build())
        .forEach(j -> jobs.put(j.id(), j));
    client
        .jobs()
        .listAll(JobQuery.builder().createdAfter(since).build())
        .forEach(j -> jobs.putIfAbsent(j.id(), j));
    Summary summary = Summary.of(since, List.copyOf(jobs.values()), slots(client.baseUrl()));
    if (in.flag("json")) {
      in.render().json(summary.json());
      return Exits.OK;
    }
    PrintWriter out = in.out();
    out.println(
        summary.jobs()
            + " job(s): the active ones and those created since "
            + Times.absolute(since));
    if (summary.jobs() > 0) {
      Table statuses = Table.of("STATUS", "JOBS");
      summary.byStatus().forEach((s, n) -> statuses.row(s.name(), Integer.toString(n)));
      in.render().wholeTable(statuses);
      Table owners = Table.of("OWNER", "ACTIVE", "ENDED");
      summary
          .byOwner()
          .forEach((o, n) -> owners.row(o, Integer.toString(n[0]), Integer.toString(n[1])));
      in.render().wholeTable(owners);
    }
    if (summary.slots() != null) {
      out.println("slots: " + summary.slotsUsed() + " of " + summary.slots() + " in use");
    }
    return Exits.OK;
  }

  /**
   * The service's slots and how many are in use, from its Prometheus metrics ({@code /metrics},
   * open to all); empty if they cannot be read.
   */
  static Optional<int[]> slots(URI base) {
    try {
      HttpResponse<String> metrics =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(2))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/metrics"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return metrics.statusCode() == 200 ? slotsOf(metrics.body()) : Optional.empty();
    } catch (IOException unreadable) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The slots (total, used) of a Prometheus text, if it has both. */
  static Optional<int[]> slotsOf(String prometheus) {
    Integer total = null;
    Integer used = null;
    Matcher m = SLOTS.matcher(prometheus);
    while (m.find()) {
      int value = (int) Double.parseDouble(m.group(2));
      if (m.group(1) == null) {
        total = value;
      } else {
        used = value;
      }
    }
    return total == null || used == null ? Optional.empty() : Optional.of(new int[] {total, used});
  }
}
