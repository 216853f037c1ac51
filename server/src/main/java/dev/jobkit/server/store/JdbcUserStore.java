package dev.jobkit.server.store;

import dev.jobkit.sdk.users.Role;
import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.sdk.users.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@link UserStore} on plain SQL. */
@Repository
class JdbcUserStore implements UserStore {

  private final JdbcClient jdbc;

  JdbcUserStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public boolean create(String name, Role role, SchedulingMode mode) {
    try {
      jdbc.sql("INSERT INTO users (name, role, scheduling_mode, created_at) VALUES (?, ?, ?, ?)")
          .params(name, role.name(), mode.name(), SqlValues.utc(Instant.now()))
          .update();
      return true;
    } catch (DuplicateKeyException taken) {
      return false;
    }
  }

  @Override
  public Optional<User> find(String name) {
    return jdbc.sql("SELECT * FROM users WHERE name = ?")
        .param(name)
        .query((rs, n) -> readUser(rs))
        .optional();
  }

  @Override
  public List<User> list() {
    return jdbc.sql("SELECT * FROM users ORDER BY name").query((rs, n) -> readUser(rs)).list();
  }

  @Override
  public boolean setSchedulingMode(String name, SchedulingMode mode) {
    return jdbc.sql("UPDATE users SET scheduling_mode = ? WHERE name = ?")
            .params(mode.name(), name)
            .update()
        > 0;
  }

  @Override
  public void addKey(String keyId, String user, String keyHash) {
    jdbc.sql("INSERT INTO api_keys (key_id, user_name, key_hash, created_at) VALUES (?, ?, ?, ?)")
        .params(keyId, user, keyHash, SqlValues.utc(Instant.now()))
        .update();
  }

  @Override
  public Optional<User> findByKeyHash(String keyHash) {
    return jdbc.sql(
            "SELECT u.* FROM api_keys k JOIN users u ON u.name = k.user_name WHERE k.key_hash = ?")
        .param(keyHash)
        .query((rs, n) -> readUser(rs))
        .optional();
  }

  @Override
  public java.util.Map<String, Long> numbers(java.util.Collection<String> names) {
    java.util.Map<String, Long> numbers = new java.util.HashMap<>();
    if (names.isEmpty()) {
      return numbers;
    }
    jdbc.sql("SELECT name, user_number FROM users WHERE name IN (" + SqlValues.marks(names) + ")")
        .params(List.copyOf(names))
        .query((rs, n) -> numbers.put(rs.getString("name"), rs.getLong("user_number")))
        .list();
    return numbers;
  }

  private static User readUser(ResultSet rs) throws SQLException {
    return new User(
        rs.getString("name"),
        Role.valueOf(rs.getString("role")),
        SchedulingMode.valueOf(rs.getString("scheduling_mode")),
        SqlValues.instant(rs, "created_at"));
  }
}
