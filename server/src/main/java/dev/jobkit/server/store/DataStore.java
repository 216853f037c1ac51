package dev.jobkit.server.store;

import dev.jobkit.sdk.data.Dataset;
import dev.jobkit.sdk.data.Model;
import dev.jobkit.sdk.data.Result;
import dev.jobkit.sdk.data.StoredFile;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Datasets, models and results on plain SQL. A dataset row also keeps where its bytes are ({@link
 * #datasetFile}), which the API shows only for a registered one. Files and metrics of models and
 * results are JSON.
 */
@Repository
public class DataStore {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<StoredFile>> FILES = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final JdbcClient jdbc;

  DataStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void addDataset(Dataset dataset, String storedPath) {
    jdbc.sql(
            "INSERT INTO datasets (id, owner, name, source, path, size_bytes, sha256, row_count,"
                + " column_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            dataset.id(),
            dataset.owner(),
            dataset.name(),
            dataset.source(),
            storedPath,
            dataset.sizeBytes(),
            dataset.sha256(),
            dataset.rows(),
            dataset.columns(),
            SqlValues.utc(dataset.createdAt()))
        .update();
  }

  /** The datasets of {@code owner}, or everyone's when null; newest first. */
  public List<Dataset> datasets(String owner) {
    return jdbc.sql(
            "SELECT * FROM datasets"
                + (owner == null ? "" : " WHERE owner = :owner")
                + " ORDER BY created_at DESC, id DESC")
        .paramSource(owner == null ? Map.of() : Map.of("owner", owner))
        .query((rs, n) -> dataset(rs))
        .list();
  }

  public Optional<Dataset> dataset(String id) {
    return jdbc.sql("SELECT * FROM datasets WHERE id = ?")
        .param(id)
        .query((rs, n) -> dataset(rs))
        .optional();
  }

  /** Where the dataset's bytes are: the stored upload, or the registered file. */
  public Optional<String> datasetFile(String id) {
    return jdbc.sql("SELECT path FROM datasets WHERE id = ?")
        .param(id)
        .query(String.class)
        .optional();
  }

  public boolean deleteDataset(String id) {
    return jdbc.sql("DELETE FROM datasets WHERE id = ?").param(id).update() > 0;
  }

  public void addModel(Model model) {
    jdbc.sql(
            "INSERT INTO models (id, job_id, owner, app, files, metrics, parameters, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            model.id(),
            model.jobId(),
            model.owner(),
            model.app(),
            JSON.writeValueAsString(model.files()),
            JSON.writeValueAsString(model.metrics()),
            JSON.writeValueAsString(model.parameters()),
            SqlValues.utc(model.createdAt()))
        .update();
  }

  public void addResult(Result result) {
    jdbc.sql(
            "INSERT INTO results (id, job_id, owner, app, model_id, files, metrics, parameters,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            result.id(),
            result.jobId(),
            result.owner(),
            result.app(),
            result.modelId(),
            JSON.writeValueAsString(result.files()),
            JSON.writeValueAsString(result.metrics()),
            JSON.writeValueAsString(result.parameters()),
            SqlValues.utc(result.createdAt()))
        .update();
  }

  /**
   * The models of {@code owner} (everyone's when null), of {@code jobId} when given; newest first.
   */
  public List<Model> models(String owner, String jobId) {
    return jdbc.sql(
            "SELECT * FROM models" + where(owner, jobId) + " ORDER BY created_at DESC, id DESC")
        .paramSource(params(owner, jobId))
        .query((rs, n) -> model(rs))
        .list();
  }

  public Optional<Model> model(String id) {
    return jdbc.sql("SELECT * FROM models WHERE id = ?")
        .param(id)
        .query((rs, n) -> model(rs))
        .optional();
  }

  /** The results of {@code owner} (everyone's when null), of {@code jobId} when given. */
  public List<Result> results(String owner, String jobId) {
    return jdbc.sql(
            "SELECT * FROM results" + where(owner, jobId) + " ORDER BY created_at DESC, id DESC")
        .paramSource(params(owner, jobId))
        .query((rs, n) -> result(rs))
        .list();
  }

  public Optional<Result> result(String id) {
    return jdbc.sql("SELECT * FROM results WHERE id = ?")
        .param(id)
        .query((rs, n) -> result(rs))
        .optional();
  }

  /** What deleting jobs removed of their records. */
  public record Removed(int models, int results) {
    public static final Removed NONE = new Removed(0, 0);

    public Removed plus(Removed other) {
      return new Removed(models + other.models, results + other.results);
    }
  }

  /** Deletes the model and result records of these jobs. */
  public Removed deleteOfJobs(Collection<String> jobIds) {
    if (jobIds.isEmpty()) {
      return Removed.NONE;
    }
    String marks = SqlValues.marks(jobIds);
    int results =
        jdbc.sql("DELETE FROM results WHERE job_id IN (" + marks + ")")
            .params(List.copyOf(jobIds))
            .update();
    int models =
        jdbc.sql("DELETE FROM models WHERE job_id IN (" + marks + ")")
            .params(List.copyOf(jobIds))
            .update();
    return new Removed(models, results);
  }

  private static String where(String owner, String jobId) {
    if (owner == null && jobId == null) {
      return "";
    }
    if (owner == null) {
      return " WHERE job_id = :job";
    }
    return " WHERE owner = :owner" + (jobId == null ? "" : " AND job_id = :job");
  }

  private static Map<String, Object> params(String owner, String jobId) {
    java.util.HashMap<String, Object> params = new java.util.HashMap<>();
    if (owner != null) {
      params.put("owner", owner);
    }
    if (jobId != null) {
      params.put("job", jobId);
    }
    return params;
  }

  private static Dataset dataset(ResultSet rs) throws SQLException {
    String source = rs.getString("source");
    long rows = rs.getLong("row_count");
    Long rowCount = rs.wasNull() ? null : rows;
    int columns = rs.getInt("column_count");
    Integer columnCount = rs.wasNull() ? null : columns;
    return new Dataset(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("owner"),
        source,
        "path".equals(source) ? rs.getString("path") : null,
        rs.getLong("size_bytes"),
        rs.getString("sha256"),
        rowCount,
        columnCount,
        SqlValues.instant(rs, "created_at"));
  }

  private static Model model(ResultSet rs) throws SQLException {
    return new Model(
        rs.getString("id"),
        rs.getString("job_id"),
        rs.getString("owner"),
        rs.getString("app"),
        JSON.readValue(rs.getString("files"), FILES),
        JSON.readValue(rs.getString("metrics"), MAP),
        parameters(rs),
        SqlValues.instant(rs, "created_at"));
  }

  private static Result result(ResultSet rs) throws SQLException {
    return new Result(
        rs.getString("id"),
        rs.getString("job_id"),
        rs.getString("owner"),
        rs.getString("app"),
        rs.getString("model_id"),
        JSON.readValue(rs.getString("files"), FILES),
        JSON.readValue(rs.getString("metrics"), MAP),
        parameters(rs),
        SqlValues.instant(rs, "created_at"));
  }

  private static Map<String, Object> parameters(ResultSet rs) throws SQLException {
    String text = rs.getString("parameters");
    return text == null ? Map.of() : JSON.readValue(text, MAP);
  }
}
