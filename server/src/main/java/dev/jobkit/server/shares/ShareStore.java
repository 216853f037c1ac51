package dev.jobkit.server.shares;

import dev.jobkit.sdk.shares.Share;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code shares} table (V24), in plain SQL: one row per live or expired share. */
@Repository
class ShareStore {

  /** A share's row with its job's owner, which a token's reads act as. */
  record Holder(Share share, String owner) {}

  private static final String COLUMNS =
      "s.id, s.job_id, s.created_by, s.created_at, s.expires_at, j.owner";

  private final JdbcClient jdbc;

  ShareStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(Share share, String tokenHash) {
    jdbc.sql(
            "INSERT INTO shares (id, job_id, token_hash, created_by, created_at, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")
        .params(
            share.id(),
            share.jobId(),
            tokenHash,
            share.createdBy(),
            utc(share.createdAt()),
            utc(share.expiresAt()))
        .update();
  }

  /** The share of a token hash, with its job's owner; empty if revoked or its job is gone. */
  Optional<Holder> findByTokenHash(String tokenHash) {
    return jdbc.sql(
            "SELECT "
                + COLUMNS
                + " FROM shares s JOIN jobs j ON j.id = s.job_id WHERE s.token_hash = ?")
        .param(tokenHash)
        .query(ShareStore::holder)
        .optional();
  }

  Optional<Holder> find(String id) {
    return jdbc.sql(
            "SELECT " + COLUMNS + " FROM shares s JOIN jobs j ON j.id = s.job_id WHERE s.id = ?")
        .param(id)
        .query(ShareStore::holder)
        .optional();
  }

  /** The job's shares that have not expired at {@code now}, oldest first. */
  List<Share> active(String jobId, Instant now) {
    return jdbc
        .sql(
            "SELECT "
                + COLUMNS
                + " FROM shares s JOIN jobs j ON j.id = s.job_id"
                + " WHERE s.job_id = ? AND s.expires_at > ? ORDER BY s.id")
        .params(jobId, utc(now))
        .query(ShareStore::holder)
        .list()
        .stream()
        .map(Holder::share)
        .toList();
  }

  /** Deletes the job's shares that expired before {@code now}: they can never work again. */
  void deleteExpired(String jobId, Instant now) {
    jdbc.sql("DELETE FROM shares WHERE job_id = ? AND expires_at <= ?")
        .params(jobId, utc(now))
        .update();
  }

  /** Of {@code ids}, those of shares that exist (their job too) and expire after {@code now}. */
  Set<String> live(Collection<String> ids, Instant now) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
    List<Object> params = new ArrayList<>(ids);
    params.add(utc(now));
    return Set.copyOf(
        jdbc.sql("SELECT id FROM shares WHERE id IN (" + marks + ") AND expires_at > ?")
            .params(params)
            .query(String.class)
            .list());
  }

  boolean delete(String id) {
    return jdbc.sql("DELETE FROM shares WHERE id = ?").param(id).update() > 0;
  }

  private static Holder holder(ResultSet rs, int row) throws SQLException {
    return new Holder(
        new Share(
            rs.getString("id"),
            rs.getString("job_id"),
            rs.getString("created_by"),
            instant(rs, "created_at"),
            instant(rs, "expires_at"),
            null,
            null),
        rs.getString("owner"));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, OffsetDateTime.class).toInstant();
  }
}
