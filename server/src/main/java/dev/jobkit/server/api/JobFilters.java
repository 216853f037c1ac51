package dev.jobkit.server.api;

import static dev.jobkit.server.api.QueryValues.blankToNull;
import static dev.jobkit.server.api.QueryValues.time;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.store.JobFilter;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the job filters of a request ({@code status} repeatable and comma-separated, with the
 * aliases; {@code owner}, {@code me} for the caller; {@code tag} {@code k=v} repeatable; {@code
 * name}; {@code parent}; {@code app}; {@code created_after}; {@code created_before}): the one
 * parsing of {@code GET /api/v1/jobs} and of {@code POST /api/v1/jobs/flush}, so both select the
 * same jobs.
 */
final class JobFilters {

  private JobFilters() {}

  /** The filters; each wrong value adds a field error to {@code errors} and is left out. */
  static JobFilter parse(
      Caller caller,
      List<String> status,
      String owner,
      List<String> tag,
      String name,
      String parent,
      String app,
      String createdAfter,
      String createdBefore,
      List<FieldError> errors) {
    Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
    if (status != null) {
      for (String value : status) {
        for (String one : value.split(",")) {
          if (one.isBlank()) {
            continue;
          }
          try {
            statuses.add(JobStatus.parse(one));
          } catch (IllegalArgumentException e) {
            errors.add(new FieldError("status", e.getMessage()));
          }
        }
      }
    }
    Map<String, String> tags = new LinkedHashMap<>();
    if (tag != null) {
      for (String t : tag) {
        int eq = t.indexOf('=');
        if (eq <= 0) {
          errors.add(new FieldError("tag", "write a tag filter as key=value, not '" + t + "'"));
        } else {
          tags.put(t.substring(0, eq), t.substring(eq + 1));
        }
      }
    }
    Instant after = time("created_after", createdAfter, errors);
    Instant before = time("created_before", createdBefore, errors);
    String ownerFilter = "me".equals(owner) ? caller.name() : blankToNull(owner);
    return new JobFilter(
        statuses,
        ownerFilter,
        tags,
        blankToNull(name),
        blankToNull(parent),
        blankToNull(app),
        after,
        before);
  }
}
