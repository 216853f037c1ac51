package dev.jobkit.shell.command;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.shell.render.Times;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * The filters of {@code job list}, which {@code job export} takes too: the selectors, {@code
 * --parent}, {@code --app}, and the created-at range of {@code --since} or {@code --from}, and
 * {@code --to}.
 */
final class ListFilters {

  static final Opt SINCE = Opt.value("since", "DURATION", "created in the last DURATION: 30m, 7d");
  static final Opt FROM =
      Opt.value("from", "TIME", "created at or after TIME (2026-11-23, ...T20:15Z)");
  static final Opt TO = Opt.value("to", "TIME", "created before TIME");

  /** The options, in the order help lists them. */
  static final List<Opt> OPTIONS =
      List.of(
          Selectors.STATUS,
          Selectors.OWNER,
          Selectors.TAG,
          Selectors.NAME,
          Opt.value("parent", "ID", "only children of this job").completes(Completions.jobIds()),
          Opt.value("app", "NAME", "only jobs of this app").completes(Completions.appNames()),
          SINCE,
          FROM,
          TO);

  private ListFilters() {}

  /** A query with the filters given on the command line. */
  static JobQuery.Builder query(Invocation in) {
    JobQuery.Builder q = Selectors.apply(in, JobQuery.builder());
    in.string("parent").ifPresent(q::parent);
    in.string("app").ifPresent(q::app);
    Range range = Range.of(in);
    if (range.from() != null) {
      q.createdAfter(range.from());
    }
    if (range.to() != null) {
      q.createdBefore(range.to());
    }
    return q;
  }

  /**
   * The created-at range of {@code --since} or {@code --from}, and {@code --to}: [from, to); null
   * where open.
   *
   * @param from the start, or null
   * @param to the end, or null
   */
  record Range(Instant from, Instant to) {

    static Range of(Invocation in) {
      Instant now = Instant.now();
      ZoneId zone = ZoneId.systemDefault();
      Optional<String> since = in.string("since");
      Optional<String> from = in.string("from");
      if (since.isPresent() && from.isPresent()) {
        throw new UsageException("give --since or --from, not both");
      }
      Instant start =
          since
              .map(s -> now.minus(Times.parseDuration(s, "--since")))
              .or(() -> from.map(s -> Times.parseTime(s, "--from", now, zone)))
              .orElse(null);
      Instant end = in.string("to").map(s -> Times.parseTime(s, "--to", now, zone)).orElse(null);
      return new Range(start, end);
    }
  }
}
