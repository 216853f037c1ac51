package dev.jobkit.server;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a run of many jobs left behind, read after the fact: the rows of {@code jobs}, {@code
 * job_events} and {@code job_attempts}, and the marker files the jobs' pods wrote, one per run of a
 * pod ({@code <job id>.<attempt>.<pid>}). Each check returns the violations it found, as sentences
 * naming the job, so a failed assertion says what went wrong where; an empty list is a pass.
 *
 * <p>The checks assume nothing about which service did what: they hold for one service as for
 * several on one database, and for a run in which one of them was killed.
 */
final class RunHistory {

  record JobRow(String id, String owner, JobStatus status, int attempt, String reason) {}

  record EventRow(
      long id,
      String jobId,
      String kind,
      JobStatus from,
      JobStatus to,
      Instant at,
      String actor,
      String actorKind,
      String reason) {

    boolean isTransition() {
      return "transition".equals(kind);
    }
  }

  record AttemptRow(String jobId, int number, String outcome, String error) {}

  /** One run of one pod: the file it touched first thing. */
  record Marker(String jobId, int attempt, long pid) {}

  private final Map<String, JobRow> jobs;
  private final List<EventRow> events;
  private final List<AttemptRow> attempts;
  private final List<Marker> markers;

  RunHistory(
      List<JobRow> jobs, List<EventRow> events, List<AttemptRow> attempts, List<Marker> markers) {
    this.jobs =
        jobs.stream()
            .collect(Collectors.toMap(JobRow::id, j -> j, (a, b) -> a, LinkedHashMap::new));
    this.events = events.stream().sorted(Comparator.comparingLong(EventRow::id)).toList();
    this.attempts = List.copyOf(attempts);
    this.markers = List.copyOf(markers);
  }

  /** Reads the whole history of the database behind {@code db} and the markers in {@code dir}. */
  static RunHistory read(Connection db, Path markerDir) throws SQLException, IOException {
    List<JobRow> jobs = new ArrayList<>();
    List<EventRow> events = new ArrayList<>();
    List<AttemptRow> attempts = new ArrayList<>();
    try (Statement s = db.createStatement()) {
      s.setFetchSize(5000);
      try (ResultSet r =
          s.executeQuery("SELECT id, owner, status, attempt, status_reason FROM jobs")) {
        while (r.next()) {
          jobs.add(
              new JobRow(
                  r.getString(1),
                  r.getString(2),
                  JobStatus.valueOf(r.getString(3)),
                  r.getInt(4),
                  r.getString(5)));
        }
      }
      try (ResultSet r =
          s.executeQuery(
              "SELECT id, job_id, kind, from_status, to_status, at, actor, actor_kind, reason"
                  + " FROM job_events ORDER BY id")) {
        while (r.next()) {
          String from = r.getString(4);
          events.add(
              new EventRow(
                  r.getLong(1),
                  r.getString(2),
                  r.getString(3),
                  from == null ? null : JobStatus.valueOf(from),
                  JobStatus.valueOf(r.getString(5)),
                  r.getObject(6, java.time.OffsetDateTime.class).toInstant(),
                  r.getString(7),
                  r.getString(8),
                  r.getString(9)));
        }
      }
      try (ResultSet r =
          s.executeQuery("SELECT job_id, number, outcome, error FROM job_attempts")) {
        while (r.next()) {
          attempts.add(new AttemptRow(r.getString(1), r.getInt(2), r.getString(3), r.getString(4)));
        }
      }
    }
    return new RunHistory(jobs, events, attempts, readMarkers(markerDir));
  }

  /** The markers of a directory: files named {@code <job id>.<attempt>.<pid>}. */
  static List<Marker> readMarkers(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString().split("\\."))
          .map(p -> new Marker(p[0], Integer.parseInt(p[1]), Long.parseLong(p[2])))
          .toList();
    }
  }

  Map<String, JobRow> jobs() {
    return jobs;
  }

  List<EventRow> events() {
    return events;
  }

  List<AttemptRow> attempts() {
    return attempts;
  }

  List<Marker> markers() {
    return markers;
  }

  /** The events of each job, oldest first. */
  Map<String, List<EventRow>> eventsByJob() {
    return events.stream()
        .collect(Collectors.groupingBy(EventRow::jobId, LinkedHashMap::new, Collectors.toList()));
  }

  /** Jobs of {@code ids} that did not end {@code SUCCEEDED}, with their status and reason. */
  List<String> notSucceeded(Set<String> ids) {
    List<String> out = new ArrayList<>();
    for (String id : ids) {
      JobRow job = jobs.get(id);
      if (job == null) {
        out.add(id + " is not in the database");
      } else if (job.status() != JobStatus.SUCCEEDED) {
        out.add(
            id
                + " ended "
                + job.status()
                + " after "
                + job.attempt()
                + " attempt(s): "
                + job.reason());
      }
    }
    return out;
  }

  /**
   * Every job's events in id order form one chain: the first is its submission (from nothing), each
   * next one leaves the status the one before entered, every transition is one the lifecycle table
   * allows, and their times never go back. Events of jobs that are not in {@code jobs} any more
   * count too.
   */
  List<String> brokenChains() {
    List<String> out = new ArrayList<>();
    eventsByJob()
        .forEach(
            (job, chain) -> {
              EventRow first = chain.get(0);
              if (first.from() != null) {
                out.add(job + ": its first event " + describe(first) + " is not its submission");
              }
              for (int i = 1; i < chain.size(); i++) {
                EventRow before = chain.get(i - 1);
                EventRow e = chain.get(i);
                if (e.from() != before.to()) {
                  out.add(
                      job
                          + ": event "
                          + describe(e)
                          + " follows "
                          + describe(before)
                          + ", which left the job "
                          + before.to());
                } else if (e.isTransition() && !e.from().canTransitionTo(e.to())) {
                  out.add(job + ": event " + describe(e) + " is a move the lifecycle forbids");
                }
                if (e.at().isBefore(before.at())) {
                  out.add(
                      job
                          + ": event "
                          + e.id()
                          + " at "
                          + e.at()
                          + " is older than event "
                          + before.id()
                          + " at "
                          + before.at()
                          + " before it");
                }
              }
            });
    return out;
  }

  /**
   * A job claimed again while a claim of it still held: a {@code CLAIMED} event while the job was
   * in flight (claimed and not yet back in the queue or ended).
   */
  List<String> doubleClaims() {
    List<String> out = new ArrayList<>();
    eventsByJob()
        .forEach(
            (job, chain) -> {
              boolean inFlight = false;
              EventRow claim = null;
              for (EventRow e : chain) {
                if (e.to() == JobStatus.CLAIMED && e.from() != JobStatus.CLAIMED) {
                  if (inFlight) {
                    out.add(
                        job
                            + ": claimed again by event "
                            + describe(e)
                            + " while the claim of event "
                            + describe(claim)
                            + " held");
                  }
                  claim = e;
                }
                inFlight = e.to().isInFlight();
              }
            });
    return out;
  }

  /**
   * Runs of a pod the database does not count as attempts: two runs of the same attempt, or a run
   * of an attempt the job has no row of. And attempts without their run: every attempt whose pods
   * started ran once, unless it was lost (ended {@code RUN_TIMEOUT}: its pod may have been killed
   * before it got to write its marker, or its launch broke off before {@code RUNNING} was recorded,
   * which leaves an attempt row without a {@code RUNNING} event).
   */
  List<String> unaccountedRuns() {
    List<String> out = new ArrayList<>();
    Map<String, Map<Integer, List<Marker>>> runs =
        markers.stream()
            .collect(
                Collectors.groupingBy(
                    Marker::jobId, Collectors.groupingBy(Marker::attempt, Collectors.toList())));
    Map<String, Map<Integer, AttemptRow>> known =
        attempts.stream()
            .collect(
                Collectors.groupingBy(
                    AttemptRow::jobId, Collectors.toMap(AttemptRow::number, Function.identity())));
    runs.forEach(
        (job, byAttempt) ->
            byAttempt.forEach(
                (attempt, ran) -> {
                  if (ran.size() > 1) {
                    out.add(
                        job
                            + ": attempt "
                            + attempt
                            + " ran "
                            + ran.size()
                            + " times (pids "
                            + ran.stream().map(m -> Long.toString(m.pid())).toList()
                            + "); its events: "
                            + chainOf(job));
                  }
                  if (!known.getOrDefault(job, Map.of()).containsKey(attempt)) {
                    out.add(
                        job
                            + ": attempt "
                            + attempt
                            + " ran, but the database knows only attempts "
                            + known.getOrDefault(job, Map.of()).keySet());
                  }
                }));
    Map<String, Long> running =
        events.stream()
            .filter(e -> e.isTransition() && e.to() == JobStatus.RUNNING)
            .collect(Collectors.groupingBy(EventRow::jobId, Collectors.counting()));
    known.forEach(
        (job, byNumber) -> {
          long started = running.getOrDefault(job, 0L);
          // Fewer is right when a launch was lost before RUNNING was recorded: a counted attempt.
          if (started > byNumber.size()) {
            out.add(
                job
                    + ": "
                    + started
                    + " RUNNING event(s) but only "
                    + byNumber.size()
                    + " attempt row(s) "
                    + byNumber.keySet());
          }
          byNumber.forEach(
              (number, attempt) -> {
                boolean ran = runs.getOrDefault(job, Map.of()).containsKey(number);
                if (!ran && !JobStatus.RUN_TIMEOUT.name().equals(attempt.outcome())) {
                  out.add(
                      job
                          + ": attempt "
                          + number
                          + " ended "
                          + attempt.outcome()
                          + " but its pod never ran");
                }
              });
        });
    return out;
  }

  /**
   * Owners over their limit: the events replayed in id order (the order the database committed them
   * in), counting each owner's jobs in flight; a count above {@code limitOf(owner)} at any point is
   * a violation. Also gives the most each owner had in flight.
   */
  List<String> ownersOverLimit(ToIntFunction<String> limitOf, Map<String, Integer> most) {
    List<String> out = new ArrayList<>();
    Map<String, Boolean> inFlight = new HashMap<>();
    Map<String, Integer> count = new HashMap<>();
    for (EventRow e : events) {
      JobRow job = jobs.get(e.jobId());
      if (job == null) {
        continue;
      }
      boolean was = inFlight.getOrDefault(e.jobId(), false);
      boolean is = e.to().isInFlight();
      inFlight.put(e.jobId(), is);
      if (was == is) {
        continue;
      }
      int now = count.merge(job.owner(), is ? 1 : -1, Integer::sum);
      most.merge(job.owner(), now, Math::max);
      int limit = limitOf.applyAsInt(job.owner());
      if (now > limit) {
        out.add(
            job.owner()
                + " had "
                + now
                + " jobs in flight (limit "
                + limit
                + ") after event "
                + describe(e));
      }
    }
    return out;
  }

  /**
   * The events that recovered a dead service's jobs: by the recovery actor, or naming the attempt
   * or the claim lost.
   */
  List<EventRow> recoveries() {
    return events.stream()
        .filter(
            e ->
                "recovery".equalsIgnoreCase(e.actor())
                    || "recovery".equalsIgnoreCase(e.actorKind())
                    || (e.reason() != null
                        && (e.reason().startsWith("lost")
                            || e.reason().contains("claim released"))))
        .toList();
  }

  /** Attempts after a job's first: retries, whatever caused them. */
  long retries() {
    return attempts.stream().filter(a -> a.number() > 1).count();
  }

  /** A job's events, oldest first, in a line. */
  String chainOf(String job) {
    return eventsByJob().getOrDefault(job, List.of()).stream()
        .map(RunHistory::describe)
        .collect(Collectors.joining(", "));
  }

  static String describe(EventRow e) {
    return e.id()
        + " ("
        + e.from()
        + " -> "
        + e.to()
        + ", "
        + e.kind()
        + ", by "
        + e.actorKind()
        + " "
        + e.actor()
        + (e.reason() == null ? "" : ": " + e.reason())
        + ")";
  }
}
