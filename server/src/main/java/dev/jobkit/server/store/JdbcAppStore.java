package dev.jobkit.server.store;

import dev.jobkit.sdk.apps.App;
import dev.jobkit.sdk.apps.AppSpec;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** {@link AppStore} on plain SQL; a definition is its {@link AppSpec} as JSON. */
@Repository
class JdbcAppStore implements AppStore {

  private static final int TRIES = 20;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final JdbcClient jdbc;

  JdbcAppStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public App put(String name, AppSpec spec, String by) {
    String definition = JSON.writeValueAsString(spec);
    // Two puts of one name at once: the loser of the primary key takes the next number.
    for (int attempt = 1; ; attempt++) {
      int version =
          jdbc.sql("SELECT COALESCE(MAX(version), 0) FROM app_versions WHERE name = ?")
                  .param(name)
                  .query(Integer.class)
                  .single()
              + 1;
      try {
        jdbc.sql(
                "INSERT INTO app_versions (name, version, definition, created_by, created_at)"
                    + " VALUES (?, ?, ?, ?, ?)")
            .params(name, version, definition, by, SqlValues.utc(Instant.now()))
            .update();
        return version(name, version).orElseThrow();
      } catch (DuplicateKeyException taken) {
        if (attempt == TRIES) {
          throw taken;
        }
      }
    }
  }

  @Override
  public Optional<App> latest(String name) {
    return jdbc.sql(
            "SELECT * FROM app_versions WHERE name = ? AND deleted_at IS NULL"
                + " ORDER BY version DESC LIMIT 1")
        .param(name)
        .query((rs, n) -> read(rs))
        .optional();
  }

  @Override
  public Optional<App> version(String name, int version) {
    return jdbc.sql(
            "SELECT * FROM app_versions WHERE name = ? AND version = ? AND deleted_at IS NULL")
        .params(name, version)
        .query((rs, n) -> read(rs))
        .optional();
  }

  @Override
  public Optional<App> definition(String name, int version) {
    return jdbc.sql("SELECT * FROM app_versions WHERE name = ? AND version = ?")
        .params(name, version)
        .query((rs, n) -> read(rs))
        .optional();
  }

  @Override
  public List<App> versions(String name) {
    return jdbc.sql(
            "SELECT * FROM app_versions WHERE name = ? AND deleted_at IS NULL ORDER BY version")
        .param(name)
        .query((rs, n) -> read(rs))
        .list();
  }

  @Override
  public List<App> latestOfEach() {
    return jdbc.sql(
            "SELECT a.* FROM app_versions a WHERE a.deleted_at IS NULL AND a.version ="
                + " (SELECT MAX(b.version) FROM app_versions b WHERE b.name = a.name)"
                + " ORDER BY a.name")
        .query((rs, n) -> read(rs))
        .list();
  }

  @Override
  public boolean delete(String name) {
    return jdbc.sql("UPDATE app_versions SET deleted_at = ? WHERE name = ? AND deleted_at IS NULL")
            .params(SqlValues.utc(Instant.now()), name)
            .update()
        > 0;
  }

  private static App read(ResultSet rs) throws SQLException {
    AppSpec spec = JSON.readValue(rs.getString("definition"), AppSpec.class);
    return new App(
        rs.getString("name"),
        rs.getInt("version"),
        spec.description(),
        spec.command(),
        spec.shell(),
        spec.parameters(),
        spec.defaults(),
        spec.env(),
        spec.hooks(),
        spec.transfers(),
        rs.getString("created_by"),
        SqlValues.instant(rs, "created_at"));
  }
}
