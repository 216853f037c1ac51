package dev.jobkit.server.api;

import static dev.jobkit.server.api.QueryValues.blankToNull;
import static dev.jobkit.server.api.QueryValues.time;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.jobs.JobStats;
import dev.jobkit.sdk.jobs.JobStats.Figures;
import dev.jobkit.sdk.jobs.JobStats.Group;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.store.JobStatistics;
import dev.jobkit.server.store.JobStatistics.GroupBy;
import dev.jobkit.server.store.JobStatistics.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/stats}: totals, counts by state, success rate, mean and p95 run time and
 * resource-seconds of the jobs created in a time range, in total and per user, app or state. A
 * user's statistics are of their own jobs only (public jobs of others are not theirs to count); an
 * admin's are of everyone's, or of one {@code owner}'s.
 */
@RestController
class StatsController {

  private final JobStatistics statistics;

  StatsController(JobStatistics statistics) {
    this.statistics = statistics;
  }

  @GetMapping("/api/v1/stats")
  JobStats stats(
      Caller caller,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(name = "group_by", required = false) String groupBy,
      @RequestParam(required = false) String owner,
      @RequestParam(required = false) String app) {
    List<FieldError> errors = new ArrayList<>();
    Instant start = time("from", from, errors);
    Instant end = time("to", to, errors);
    if (start != null && end != null && !start.isBefore(end)) {
      errors.add(new FieldError("to", "must be after from (" + start + "), not " + end));
    }
    GroupBy grouping = null;
    String group = blankToNull(groupBy);
    if (group != null) {
      try {
        grouping = GroupBy.valueOf(group.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        errors.add(
            new FieldError("group_by", "must be user, app or status, not '" + groupBy + "'"));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    String who = blankToNull(owner);
    if ("me".equals(who)) {
      who = caller.name();
    }
    if (!caller.isAdmin()) {
      if (who != null && !who.equals(caller.name())) {
        throw ApiException.forbidden(
            "only an admin may read the statistics of another user's jobs; leave owner out for"
                + " your own");
      }
      who = caller.name();
    }
    Scope scope = new Scope(who, blankToNull(app), start, end);
    List<Group> groups = List.of();
    if (grouping != null) {
      Map<String, Figures> byGroup = statistics.byGroup(scope, grouping);
      groups =
          byGroup.entrySet().stream()
              .map(e -> new Group(e.getKey(), e.getValue()))
              .sorted(
                  Comparator.comparingLong((Group g) -> -g.figures().jobs())
                      .thenComparing(Group::key, Comparator.nullsLast(Comparator.naturalOrder())))
              .toList();
    }
    return new JobStats(
        start,
        end,
        grouping == null ? null : grouping.name().toLowerCase(Locale.ROOT),
        statistics.total(scope),
        groups);
  }
}
