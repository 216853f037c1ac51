package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.instant;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.Attempt;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobResult;
import dev.jobkit.sdk.jobs.Pod;
import dev.jobkit.sdk.jobs.PodStatus;
import dev.jobkit.sdk.jobs.Progress;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.store.JobStore.Candidate;
import dev.jobkit.server.store.JobStore.IdempotencyRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the rows of the job tables ({@code jobs}, {@code job_pods}, {@code job_attempts}, {@code
 * job_events}, {@code idempotency_keys}) into their types, each in one place. List and map columns
 * are JSON written by {@link StoredText#json}.
 */
final class RowMappers {

  /** The columns {@link #job} reads, for {@code SELECT … FROM jobs}. */
  static final String JOB_COLUMNS =
      "seq, id, owner, display_name, description, status, status_reason, priority, accessibility,"
          + " pod_count, command, shell, app, app_version, parameters, env, tags, parents, timeout_seconds, max_attempts,"
          + " attempt, progress, metrics, last_error, exit_code, output_files, output_bytes,"
          + " created_at, updated_at, started_at, finished_at, results_expired_at";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  // Readers made once: a reader for a TypeReference resolves the type and finds its deserializer
  // at every call, most of the cost of reading a job row.
  private static final ObjectReader STRING_LIST =
      JSON.readerFor(new TypeReference<List<String>>() {});
  private static final ObjectReader STRING_MAP =
      JSON.readerFor(new TypeReference<Map<String, String>>() {});
  private static final ObjectReader VALUE_MAP =
      JSON.readerFor(new TypeReference<Map<String, Object>>() {});
  private static final ObjectReader NUMBER_MAP =
      JSON.readerFor(new TypeReference<Map<String, Double>>() {});
  private static final ObjectReader PROGRESS = JSON.readerFor(Progress.class);

  private RowMappers() {}

  static JobRow job(ResultSet rs) throws SQLException {
    String command = rs.getString("command");
    String progress = rs.getString("progress");
    String metrics = rs.getString("metrics");
    String parameters = rs.getString("parameters");
    Integer exitCode = rs.getObject("exit_code", Integer.class);
    return new JobRow(
        rs.getString("id"),
        rs.getString("display_name"),
        rs.getString("description"),
        rs.getString("owner"),
        JobStatus.valueOf(rs.getString("status")),
        rs.getString("status_reason"),
        rs.getInt("priority"),
        Accessibility.valueOf(rs.getString("accessibility")),
        rs.getInt("pod_count"),
        command == null ? null : list(command),
        rs.getString("shell"),
        rs.getString("app"),
        rs.getObject("app_version", Integer.class),
        parameters == null ? Map.of() : map(VALUE_MAP, parameters),
        map(STRING_MAP, rs.getString("env")),
        map(STRING_MAP, rs.getString("tags")),
        list(rs.getString("parents")),
        rs.getObject("timeout_seconds", Integer.class),
        rs.getInt("max_attempts"),
        rs.getInt("attempt"),
        progress == null ? null : PROGRESS.readValue(progress),
        metrics == null ? Map.of() : map(NUMBER_MAP, metrics),
        rs.getString("last_error"),
        exitCode == null
            ? null
            : new JobResult(exitCode, rs.getLong("output_files"), rs.getLong("output_bytes")),
        instant(rs, "created_at"),
        instant(rs, "updated_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        instant(rs, "results_expired_at"));
  }

  /** A JSON list of strings; {@code []}, what most jobs store, without a parse. */
  private static List<String> list(String json) {
    return json.equals("[]") ? List.of() : STRING_LIST.readValue(json);
  }

  /** A JSON object read by {@code reader}; {@code {}}, what most jobs store, without a parse. */
  private static <V> Map<String, V> map(ObjectReader reader, String json) {
    return json.equals("{}") ? Map.of() : reader.readValue(json);
  }

  static Pod pod(ResultSet rs) throws SQLException {
    return new Pod(
        rs.getInt("pod_index"),
        PodStatus.valueOf(rs.getString("status")),
        (Long) rs.getObject("pid", Long.class),
        (Integer) rs.getObject("exit_code", Integer.class),
        instant(rs, "started_at"),
        instant(rs, "finished_at"));
  }

  static Attempt attempt(ResultSet rs) throws SQLException {
    String outcome = rs.getString("outcome");
    return new Attempt(
        rs.getInt("number"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        outcome == null ? null : JobStatus.valueOf(outcome),
        (Integer) rs.getObject("exit_code", Integer.class),
        rs.getString("error"));
  }

  static JobEvent event(ResultSet rs) throws SQLException {
    String from = rs.getString("from_status");
    return new JobEvent(
        rs.getLong("id"),
        rs.getString("job_id"),
        EventKind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)),
        from == null ? null : JobStatus.valueOf(from),
        JobStatus.valueOf(rs.getString("to_status")),
        instant(rs, "at"),
        rs.getString("actor"),
        ActorKind.valueOf(rs.getString("actor_kind")),
        rs.getString("reason"),
        rs.getString("old_value"),
        rs.getString("new_value"));
  }

  /** {@code event} with who may see it: the {@code owner} and {@code accessibility} of its job. */
  static StoredEvent visibility(JobEvent event, ResultSet rs) throws SQLException {
    return new StoredEvent(
        event, rs.getString("owner"), Accessibility.valueOf(rs.getString("accessibility")));
  }

  static Candidate candidate(ResultSet rs) throws SQLException {
    return new Candidate(
        rs.getString("id"),
        rs.getString("owner"),
        rs.getInt("priority"),
        rs.getLong("seq"),
        rs.getInt("pod_count"),
        null);
  }

  /** A candidate read with {@link #JOB_COLUMNS}, with its job's summary. */
  static Candidate candidateWithJob(ResultSet rs) throws SQLException {
    Job job = job(rs).toJob(List.of(), List.of());
    return new Candidate(
        job.id(), job.owner(), job.priority(), rs.getLong("seq"), job.podCount(), job);
  }

  static IdempotencyRecord idempotency(ResultSet rs) throws SQLException {
    return new IdempotencyRecord(
        rs.getString("owner"),
        rs.getString("idem_key"),
        rs.getString("body_hash"),
        rs.getString("job_id"));
  }
}
