package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.StatsQuery;
import dev.jobkit.sdk.jobs.JobStats;
import dev.jobkit.tools.registry.StatsInputs;
import dev.jobkit.tools.registry.StatsOutputs;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code job_stats}: the statistics of the caller's jobs (an admin's: everyone's). Reads only. */
final class StatsTools {

  private final JobkitClient client;

  StatsTools(JobkitClient client) {
    this.client = client;
  }

  StatsOutputs.StatsResult stats(StatsInputs.JobStats in) {
    StatsQuery.Builder q = StatsQuery.builder().from(time(in.from())).to(time(in.to()));
    if (in.groupBy() != null) {
      q.groupBy(StatsQuery.GroupBy.valueOf(in.groupBy().name()));
    }
    q.owner(in.owner()).app(in.app());
    JobStats stats = client.stats(q.build());
    return new StatsOutputs.StatsResult(
        stats.from() == null ? null : stats.from().toString(),
        stats.to() == null ? null : stats.to().toString(),
        stats.groupBy(),
        figures(stats.total()),
        stats.groups().stream()
            .map(g -> new StatsOutputs.Group(g.key(), figures(g.figures())))
            .toList());
  }

  private static StatsOutputs.Figures figures(JobStats.Figures f) {
    Map<String, Long> byStatus = new LinkedHashMap<>();
    f.byStatus().forEach((status, n) -> byStatus.put(status.name(), n));
    return new StatsOutputs.Figures(
        f.jobs(),
        byStatus,
        f.ended(),
        f.succeeded(),
        f.successRate(),
        f.meanDurationSeconds(),
        f.p95DurationSeconds(),
        f.resourceSeconds());
  }

  private static Instant time(String text) {
    return text == null ? null : OffsetDateTime.parse(text).toInstant();
  }
}
