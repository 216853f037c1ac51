package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobStats;
import dev.jobkit.sdk.jobs.JobStats.Figures;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Jobs with known outcomes for {@code GET /api/v1/stats}, and the figures the service must give for
 * them, worked out here from the jobs as the service reports them (their states, pods and {@code
 * started_at}/{@code finished_at}): shared by StatsIT (H2) and PostgresStatsIT.
 *
 * <p>The user's jobs: four that succeed (one of two pods, one of an app), two that fail (one of two
 * pods), one held running by a gate, one child of it canceled before it started and one child still
 * waiting for it; nine in all, seven ended, four succeeded.
 */
final class StatsScenario {

  final Api user;
  final String app;
  final String gate;
  final Gates gates;
  Job held;
  final List<Job> jobs = new ArrayList<>();

  private StatsScenario(Api user, Gates gates) {
    this.user = user;
    this.gates = gates;
    String unique = UUID.randomUUID().toString().substring(0, 8);
    this.app = "stats-" + unique;
    this.gate = "stats-hold-" + unique;
  }

  /** Submits the jobs and waits until each is where it is counted; {@code admin} puts the app. */
  static StatsScenario run(Api user, Api admin, Gates gates) {
    StatsScenario s = new StatsScenario(user, gates);
    admin.put("/api/v1/apps/" + s.app, "{\"command\":[\"true\"]}").expect(200);
    for (String spec :
        List.of(
            "{\"command\":[\"true\"]}",
            "{\"command\":[\"sleep\",\"0.2\"],\"pod_count\":2}",
            "{\"shell\":\"sleep 0.1\"}",
            "{\"app\":\"" + s.app + "\"}",
            "{\"command\":[\"sh\",\"-c\",\"exit 3\"]}",
            "{\"command\":[\"sh\",\"-c\",\"sleep 0.1; exit 4\"],\"pod_count\":2}")) {
      // One after another: a service of two slots runs the two-pod jobs too.
      user.awaitEnd(user.submit(spec).id());
    }
    s.held = user.submitShell(gates.script(s.gate));
    Job canceled = user.submit("{\"command\":[\"true\"],\"parents\":[\"" + s.held.id() + "\"]}");
    user.submit("{\"command\":[\"true\"],\"parents\":[\"" + s.held.id() + "\"]}");
    user.awaitStatus(s.held.id(), JobStatus.RUNNING);
    user.stopAndAwaitCanceled(canceled.id());
    s.jobs.addAll(user.listAll("owner=me"));
    return s;
  }

  /** Lets the held job end: its waiting child then runs. */
  void release() {
    gates.open(gate);
  }

  /** The figures the service must give for {@code jobs}. */
  static Figures expected(List<Job> jobs) {
    Map<JobStatus, Long> byStatus = new EnumMap<>(JobStatus.class);
    List<Double> runs = new ArrayList<>();
    double resourceSeconds = 0;
    for (Job job : jobs) {
      byStatus.merge(job.status(), 1L, Long::sum);
      if (job.status().isTerminal() && job.startedAt() != null && job.finishedAt() != null) {
        double seconds = seconds(job.startedAt(), job.finishedAt());
        runs.add(seconds);
        resourceSeconds += job.podCount() * seconds;
      }
    }
    long ended =
        byStatus.entrySet().stream()
            .filter(e -> e.getKey().isTerminal())
            .mapToLong(Map.Entry::getValue)
            .sum();
    long succeeded = byStatus.getOrDefault(JobStatus.SUCCEEDED, 0L);
    runs.sort(null);
    return new Figures(
        jobs.size(),
        byStatus,
        ended,
        succeeded,
        ended == 0 ? null : (double) succeeded / ended,
        runs.isEmpty() ? null : runs.stream().mapToDouble(d -> d).average().orElseThrow(),
        runs.isEmpty() ? null : percentile(runs, 0.95),
        resourceSeconds);
  }

  /** PERCENTILE_CONT: linear interpolation between the closest ranks of the sorted values. */
  static double percentile(List<Double> sorted, double p) {
    double rank = p * (sorted.size() - 1);
    int below = (int) Math.floor(rank);
    int above = (int) Math.ceil(rank);
    return sorted.get(below) + (rank - below) * (sorted.get(above) - sorted.get(below));
  }

  private static double seconds(Instant from, Instant to) {
    Duration d = Duration.between(from, to);
    return d.getSeconds() + d.getNano() / 1e9;
  }

  List<Job> where(Predicate<Job> which) {
    return jobs.stream().filter(which).toList();
  }

  /** Fails unless {@code actual} are the figures of {@code jobs}. */
  static void assertFigures(Figures actual, List<Job> jobs, String what) {
    Figures expected = expected(jobs);
    assertThat(actual.jobs()).as(what + " jobs").isEqualTo(expected.jobs());
    assertThat(actual.byStatus()).as(what + " by_status").isEqualTo(expected.byStatus());
    assertThat(List.copyOf(actual.byStatus().keySet())).as(what + " in lifecycle order").isSorted();
    assertThat(actual.ended()).as(what + " ended").isEqualTo(expected.ended());
    assertThat(actual.succeeded()).as(what + " succeeded").isEqualTo(expected.succeeded());
    assertClose(actual.successRate(), expected.successRate(), what + " success_rate");
    assertClose(
        actual.meanDurationSeconds(), expected.meanDurationSeconds(), what + " mean duration");
    assertClose(actual.p95DurationSeconds(), expected.p95DurationSeconds(), what + " p95 duration");
    assertThat(actual.resourceSeconds())
        .as(what + " resource_seconds")
        .isCloseTo(expected.resourceSeconds(), within(1e-6));
  }

  private static void assertClose(Double actual, Double expected, String what) {
    if (expected == null) {
      assertThat(actual).as(what).isNull();
    } else {
      assertThat(actual).as(what).isNotNull().isCloseTo(expected, within(1e-6));
    }
  }

  /** The service's statistics for {@code query}, as {@code api} reads them. */
  static JobStats stats(Api api, String query) {
    return api.get("/api/v1/stats" + (query.isEmpty() ? "" : "?" + query))
        .expect(200)
        .as(JobStats.class);
  }

  /** The checks on H2 and PostgreSQL alike. */
  void assertStats(Api admin) {
    JobStats all = stats(user, "");
    assertThat(all.total().jobs()).isEqualTo(9);
    assertThat(all.total().byStatus())
        .containsExactlyEntriesOf(
            new EnumMap<>(
                Map.of(
                    JobStatus.AWAITING_PARENTS, 1L,
                    JobStatus.RUNNING, 1L,
                    JobStatus.SUCCEEDED, 4L,
                    JobStatus.FAILED, 2L,
                    JobStatus.CANCELED, 1L)));
    assertThat(all.total().ended()).isEqualTo(7);
    assertThat(all.total().successRate()).isCloseTo(4.0 / 7, within(1e-9));
    assertThat(all.total().resourceSeconds()).isGreaterThan(0.2 * 2);
    assertThat(all.groupBy()).isNull();
    assertThat(all.groups()).isEmpty();
    assertFigures(all.total(), jobs, "all");

    JobStats byStatus = stats(user, "group_by=status");
    assertThat(byStatus.groups())
        .extracting(JobStats.Group::key)
        .containsExactly("SUCCEEDED", "FAILED", "AWAITING_PARENTS", "CANCELED", "RUNNING");
    for (JobStats.Group group : byStatus.groups()) {
      assertFigures(
          group.figures(), where(j -> j.status().name().equals(group.key())), group.key());
    }
    assertFigures(byStatus.total(), jobs, "total of status groups");

    JobStats byApp = stats(user, "group_by=app");
    assertThat(byApp.groupBy()).isEqualTo("app");
    assertThat(byApp.groups()).extracting(JobStats.Group::key).containsExactly(null, app);
    assertFigures(byApp.groups().get(0).figures(), where(j -> j.app() == null), "no app");
    assertFigures(byApp.groups().get(1).figures(), where(j -> app.equals(j.app())), app);
    assertFigures(stats(user, "app=" + app).total(), where(j -> app.equals(j.app())), "app=");

    JobStats byUser = stats(user, "group_by=USER");
    assertThat(byUser.groups()).extracting(JobStats.Group::key).containsExactly(user.name());
    assertFigures(byUser.groups().get(0).figures(), jobs, "user group");
    JobStats asAdmin = stats(admin, "group_by=user&owner=" + user.name());
    assertThat(asAdmin.groups()).extracting(JobStats.Group::key).containsExactly(user.name());
    assertFigures(asAdmin.total(), jobs, "admin's view of the user");

    // The range: [from, to) of created_at, from the fifth job to the eighth.
    List<Job> oldestFirst = new ArrayList<>(jobs);
    java.util.Collections.reverse(oldestFirst);
    Instant from = oldestFirst.get(4).createdAt();
    Instant to = oldestFirst.get(7).createdAt();
    JobStats range = stats(user, "from=" + from + "&to=" + to);
    assertThat(range.from()).isEqualTo(from);
    assertThat(range.to()).isEqualTo(to);
    assertFigures(
        range.total(),
        where(j -> !j.createdAt().isBefore(from) && j.createdAt().isBefore(to)),
        "range");
    assertThat(range.total().jobs()).isEqualTo(3);
    JobStats none = stats(user, "to=" + oldestFirst.get(0).createdAt());
    assertThat(none.total().jobs()).isZero();
    assertThat(none.total().successRate()).isNull();
    assertThat(none.total().meanDurationSeconds()).isNull();
    assertThat(none.total().p95DurationSeconds()).isNull();
    assertThat(none.total().byStatus()).isEmpty();
  }
}
