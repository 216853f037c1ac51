package dev.jobkit.server.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * How the stores pass values to SQL and read them back: times as UTC {@code TIMESTAMP WITH TIME
 * ZONE} on H2 and PostgreSQL alike, and one placeholder per element of an {@code IN} list.
 */
final class SqlValues {

  private SqlValues() {}

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** {@code ?, ?, ?}: one placeholder per element. */
  static String marks(Collection<?> values) {
    return values.stream().map(v -> "?").collect(Collectors.joining(", "));
  }
}
