package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.instant;
import static dev.jobkit.server.store.SqlValues.utc;

import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.JobSummary;
import dev.jobkit.sdk.jobs.SkippedJob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** {@link FlushOperationStore} on plain SQL (table {@code flush_operations}, V7, V8, V22). */
@Repository
class JdbcFlushOperationStore implements FlushOperationStore {

  private static final TypeReference<List<SkippedJob>> SKIPPED = new TypeReference<>() {};
  private static final TypeReference<List<JobSummary>> PREVIEW = new TypeReference<>() {};

  private final JdbcClient jdbc;
  private final JsonMapper json = JsonMapper.builder().build();

  JdbcFlushOperationStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void insert(FlushOperation op, String idempotencyKey, String requestHash) {
    jdbc.sql(
            "INSERT INTO flush_operations (id, status, status_reason, requested_by, scope, owner,"
                + " purge_artifacts, force_stop, snapshot, matched, stopped, deleted, removed_models,"
                + " removed_results, skipped_count, skipped, preview, created_at, updated_at,"
                + " finished_at, idempotency_key, request_hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            op.id(),
            op.status().name(),
            op.statusReason(),
            op.requestedBy(),
            op.scope(),
            op.owner(),
            op.purgeArtifacts(),
            op.force(),
            op.snapshot(),
            op.matched(),
            op.stopped(),
            op.deleted(),
            op.removedModels(),
            op.removedResults(),
            op.skippedCount(),
            json.writeValueAsString(op.skipped()),
            json.writeValueAsString(op.preview()),
            utc(op.createdAt()),
            utc(op.updatedAt()),
            utc(op.finishedAt()),
            idempotencyKey,
            requestHash)
        .update();
  }

  @Override
  public Optional<Keyed> findByKey(String requestedBy, String idempotencyKey) {
    return jdbc.sql("SELECT * FROM flush_operations WHERE requested_by = ? AND idempotency_key = ?")
        .params(requestedBy, idempotencyKey)
        .query((rs, n) -> new Keyed(read(rs), rs.getString("request_hash")))
        .optional();
  }

  @Override
  public Optional<FlushOperation> find(String id) {
    return jdbc.sql("SELECT * FROM flush_operations WHERE id = ?")
        .param(id)
        .query((rs, n) -> read(rs))
        .optional();
  }

  @Override
  public List<String> running(String requestedBy) {
    return jdbc.sql(
            "SELECT id FROM flush_operations WHERE requested_by = ? AND status = ?"
                + " ORDER BY created_at, id")
        .params(requestedBy, FlushOperation.Status.RUNNING.name())
        .query(String.class)
        .list();
  }

  @Override
  public void progress(String id, Counts counts) {
    jdbc.sql(
            "UPDATE flush_operations SET stopped = ?, deleted = ?, removed_models = ?,"
                + " removed_results = ?, updated_at = ? WHERE id = ? AND status = ?")
        .params(
            counts.stopped(),
            counts.deleted(),
            counts.removedModels(),
            counts.removedResults(),
            utc(Instant.now()),
            id,
            FlushOperation.Status.RUNNING.name())
        .update();
  }

  @Override
  public boolean finish(
      String id,
      FlushOperation.Status status,
      String reason,
      Counts counts,
      int skippedCount,
      List<SkippedJob> skipped) {
    Instant now = Instant.now();
    List<SkippedJob> named =
        skipped.size() > FlushOperation.SKIPPED_LIMIT
            ? skipped.subList(0, FlushOperation.SKIPPED_LIMIT)
            : skipped;
    return jdbc.sql(
                "UPDATE flush_operations SET status = ?, status_reason = ?, stopped = ?,"
                    + " deleted = ?, removed_models = ?, removed_results = ?, skipped_count = ?,"
                    + " skipped = ?, updated_at = ?, finished_at = ? WHERE id = ? AND status = ?")
            .params(
                status.name(),
                StoredText.cut(reason, 1000),
                counts.stopped(),
                counts.deleted(),
                counts.removedModels(),
                counts.removedResults(),
                skippedCount,
                json.writeValueAsString(named),
                utc(now),
                utc(now),
                id,
                FlushOperation.Status.RUNNING.name())
            .update()
        > 0;
  }

  @Override
  public int finishAllRunning(FlushOperation.Status status, String reason) {
    Instant now = Instant.now();
    return jdbc.sql(
            "UPDATE flush_operations SET status = ?, status_reason = ?, updated_at = ?,"
                + " finished_at = ? WHERE status = ?")
        .params(
            status.name(),
            StoredText.cut(reason, 1000),
            utc(now),
            utc(now),
            FlushOperation.Status.RUNNING.name())
        .update();
  }

  @Override
  public int deleteFinishedBefore(Instant cutoff) {
    return jdbc.sql("DELETE FROM flush_operations WHERE finished_at < ?")
        .param(utc(cutoff))
        .update();
  }

  private FlushOperation read(ResultSet rs) throws SQLException {
    String skipped = rs.getString("skipped");
    String preview = rs.getString("preview");
    return new FlushOperation(
        rs.getString("id"),
        FlushOperation.Status.valueOf(rs.getString("status")),
        rs.getString("status_reason"),
        rs.getString("requested_by"),
        rs.getString("scope"),
        rs.getString("owner"),
        rs.getBoolean("purge_artifacts"),
        rs.getBoolean("force_stop"),
        rs.getString("snapshot"),
        rs.getInt("matched"),
        rs.getInt("stopped"),
        rs.getInt("deleted"),
        rs.getInt("removed_models"),
        rs.getInt("removed_results"),
        rs.getInt("skipped_count"),
        skipped == null ? List.of() : json.readValue(skipped, SKIPPED),
        preview == null ? List.of() : json.readValue(preview, PREVIEW),
        instant(rs, "created_at"),
        instant(rs, "updated_at"),
        instant(rs, "finished_at"));
  }
}
