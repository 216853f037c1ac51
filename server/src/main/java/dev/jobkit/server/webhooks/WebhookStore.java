package dev.jobkit.server.webhooks;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.JobSummary;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.webhooks.Delivery;
import dev.jobkit.sdk.webhooks.DeliveryState;
import dev.jobkit.sdk.webhooks.Webhook;
import dev.jobkit.sdk.webhooks.WebhookEvent;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.store.ServiceMembers;
import dev.jobkit.server.store.StoredText;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tables of migration V25: webhooks, their deliveries and the cursor over {@code job_events}.
 * Plain SQL that runs on H2 and PostgreSQL. Reads {@code job_events} and {@code jobs} (the core's
 * tables) but never writes them.
 */
@Repository
class WebhookStore {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final int ERROR_SIZE = 1000;

  /** A webhook with what only the service sees: its secret and where its events start. */
  record Row(
      String id,
      String owner,
      String url,
      List<JobStatus> statuses,
      List<String> apps,
      List<String> owners,
      String secret,
      long afterEvent,
      Instant createdAt) {

    /** As the API shows it: without the secret. */
    Webhook shown() {
      return new Webhook(id, owner, url, statuses, apps, owners, null, createdAt);
    }

    boolean matches(long eventId, JobStatus to, String jobOwner, String app) {
      return eventId > afterEvent
          && (statuses.isEmpty() || statuses.contains(to))
          && (apps.isEmpty() || (app != null && apps.contains(app)))
          && (owners.isEmpty() || owners.contains(jobOwner));
    }
  }

  /** A delivery to send, with where and how to sign. */
  record Due(
      String id,
      String webhookId,
      String jobId,
      long eventId,
      String payload,
      int attempts,
      Instant eventAt,
      String url,
      String secret,
      Instant nextAttemptAt) {}

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  // Whether a webhook is stored, as the matcher last read it; null: read it again. Only a service
  // alone on its database keeps it (it makes every webhook itself, and forgets it after each
  // creation and deletion); where services share the database, another may create one.
  private final boolean cacheAny;
  private final Object anyLock = new Object();
  private Boolean any; // guarded by anyLock

  WebhookStore(JdbcClient jdbc, TransactionTemplate transactions, ServiceMembers members) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.cacheAny = !members.shared();
  }

  /**
   * Stores a new webhook, told of the events the matcher has not yet seen, unless its owner has
   * {@code max} already; empty then. Creations are serialized by the cursor's lock, so two at once
   * cannot both pass the count.
   */
  Optional<Row> create(
      int max,
      String owner,
      String url,
      List<JobStatus> statuses,
      List<String> apps,
      List<String> owners,
      String secret) {
    String id = Keys.newId("whk");
    Instant now = Instant.now();
    Boolean made =
        transactions.execute(
            status -> {
              // Under the matcher's lock: every event after the cursor is matched after this
              // commits,
              // so the webhook gets exactly the events the matcher had not yet seen when it was
              // made.
              long after = lockCursor();
              if (!anyWebhookStored()) {
                // The matcher leaves the cursor where it is while there is no webhook (see
                // matchEvents): it has seen, for nobody, every event committed so far.
                after = Math.max(after, lastEventId());
                jdbc.sql("UPDATE webhook_cursor SET last_event = ? WHERE name = 'events'")
                    .param(after)
                    .update();
              }
              long owned =
                  jdbc.sql("SELECT COUNT(*) FROM webhooks WHERE owner = ?")
                      .param(owner)
                      .query(Long.class)
                      .single();
              if (owned >= max) {
                return false;
              }
              jdbc.sql(
                      "INSERT INTO webhooks (id, owner, url, statuses, apps, owners, secret,"
                          + " after_event, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                  .params(
                      id,
                      owner,
                      url,
                      JSON.writeValueAsString(statuses.stream().map(Enum::name).toList()),
                      JSON.writeValueAsString(apps),
                      JSON.writeValueAsString(owners),
                      secret,
                      after,
                      utc(now))
                  .update();
              return true;
            });
    forgetAny();
    return Boolean.TRUE.equals(made) ? find(id) : Optional.empty();
  }

  Optional<Row> find(String id) {
    return jdbc.sql("SELECT * FROM webhooks WHERE id = ?")
        .param(id)
        .query((rs, n) -> row(rs))
        .optional();
  }

  /** How many webhooks a user has. */
  long countOf(String owner) {
    return jdbc.sql("SELECT COUNT(*) FROM webhooks WHERE owner = ?")
        .param(owner)
        .query(Long.class)
        .single();
  }

  /** Deletes the deliveries that are done (delivered or failed) and were last tried before. */
  int pruneBefore(Instant before) {
    // A finished delivery's next_attempt_at is its last attempt (see attempted): so the index on
    // (state, next_attempt_at) finds them.
    return jdbc.sql(
            "DELETE FROM webhook_deliveries"
                + " WHERE state IN ('delivered', 'failed') AND next_attempt_at < ?")
        .param(utc(before))
        .update();
  }

  /** A user's webhooks, newest first. */
  List<Row> ofOwner(String owner) {
    return jdbc.sql("SELECT * FROM webhooks WHERE owner = ? ORDER BY created_at DESC, id DESC")
        .param(owner)
        .query((rs, n) -> row(rs))
        .list();
  }

  /** Deletes a webhook and all its deliveries, in one transaction. */
  boolean delete(String id) {
    boolean deleted =
        Boolean.TRUE.equals(
            transactions.execute(
                status -> {
                  jdbc.sql("DELETE FROM webhook_deliveries WHERE webhook_id = ?")
                      .param(id)
                      .update();
                  return jdbc.sql("DELETE FROM webhooks WHERE id = ?").param(id).update() == 1;
                }));
    forgetAny();
    return deleted;
  }

  /** A webhook's newest deliveries first. */
  List<Delivery> deliveries(String webhookId, int limit) {
    return jdbc.sql(
            "SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY event_id DESC LIMIT ?")
        .params(webhookId, limit)
        .query((rs, n) -> delivery(rs))
        .list();
  }

  /**
   * Matches the next events after the cursor against every webhook and writes a delivery for each
   * match, moving the cursor past them in the same transaction: after a crash, the events are
   * matched again from where the last commit left off, so none is lost and none delivered twice.
   *
   * <p>The cursor is safe as an id because the job store commits its events one write at a time
   * (SerializedWrites): no event with a lower id can commit after one with a higher id.
   *
   * <p>While there is no webhook it does nothing, not even move the cursor: locking and moving it
   * after every write of the job store cost a durable commit of its own each time, on PostgreSQL
   * about as many as the jobs' own. {@link #create} moves the cursor past the events committed so
   * far instead, under its lock, before the first webhook.
   *
   * @return how many events were read: {@code limit} means there may be more; -1 when there is no
   *     webhook (and so no delivery either: a webhook's go with it)
   */
  int matchEvents(int limit) {
    if (!anyWebhook()) {
      return -1;
    }
    Integer read =
        transactions.execute(
            status -> {
              long cursor = lockCursor();
              List<MatchedEvent> events =
                  jdbc.sql(
                          "SELECT e.id, e.job_id, e.kind, e.from_status, e.to_status, e.at,"
                              + " e.actor, e.actor_kind, e.reason, j.owner, j.app,"
                              + " j.display_name, j.status FROM job_events e"
                              + " LEFT JOIN jobs j ON j.id = e.job_id"
                              + " WHERE e.id > ? ORDER BY e.id LIMIT ?")
                      .params(cursor, limit)
                      .query((rs, n) -> matchedEvent(rs))
                      .list();
              if (events.isEmpty()) {
                return 0;
              }
              List<Row> webhooks =
                  jdbc.sql("SELECT * FROM webhooks").query((rs, n) -> row(rs)).list();
              Instant now = Instant.now();
              for (MatchedEvent e : events) {
                // Only transitions of jobs that still exist; renames are not transitions.
                if (!e.kind().equals("transition") || e.owner() == null) {
                  continue;
                }
                for (Row hook : webhooks) {
                  if (hook.matches(e.id(), e.to(), e.owner(), e.app())) {
                    insertDelivery(hook, e, now);
                  }
                }
              }
              long last = events.get(events.size() - 1).id();
              jdbc.sql("UPDATE webhook_cursor SET last_event = ? WHERE name = 'events'")
                  .param(last)
                  .update();
              return events.size();
            });
    return read == null ? 0 : read;
  }

  /**
   * Whether a webhook is stored, for the matcher, which asks after every write of the job store:
   * read from the database where services share it, else once per creation or deletion. A read that
   * began before a creation committed is forgotten after it ({@link #forgetAny}, under the same
   * lock), so "none" is never kept past a creation.
   */
  private boolean anyWebhook() {
    if (!cacheAny) {
      return anyWebhookStored();
    }
    synchronized (anyLock) {
      if (any == null) {
        any = anyWebhookStored();
      }
      return any;
    }
  }

  /**
   * Whether this service knows, without asking the database, that no webhook is stored: it is alone
   * on its database and read none since the last creation or deletion.
   */
  boolean knownNone() {
    if (!cacheAny) {
      return false;
    }
    synchronized (anyLock) {
      return Boolean.FALSE.equals(any);
    }
  }

  /** After a webhook was created or deleted: the matcher reads whether any is stored again. */
  private void forgetAny() {
    synchronized (anyLock) {
      any = null;
    }
  }

  private boolean anyWebhookStored() {
    return Boolean.TRUE.equals(
        jdbc.sql("SELECT EXISTS (SELECT 1 FROM webhooks)").query(Boolean.class).single());
  }

  private long lastEventId() {
    return jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM job_events").query(Long.class).single();
  }

  private long lockCursor() {
    return jdbc.sql("SELECT last_event FROM webhook_cursor WHERE name = 'events' FOR UPDATE")
        .query(Long.class)
        .single();
  }

  private void insertDelivery(Row hook, MatchedEvent e, Instant now) {
    String id = Keys.newId("dlv");
    WebhookEvent body =
        new WebhookEvent(
            id,
            hook.id(),
            e.id(),
            e.jobId(),
            e.from(),
            e.to(),
            e.at(),
            e.reason(),
            e.actor(),
            e.actorKind(),
            e.app(),
            new JobSummary(e.jobId(), e.displayName(), e.owner(), e.jobStatus()));
    jdbc.sql(
            "INSERT INTO webhook_deliveries (id, webhook_id, job_id, event_id, payload, state,"
                + " attempts, next_attempt_at, event_at, created_at)"
                + " VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)")
        .params(
            id,
            hook.id(),
            e.jobId(),
            e.id(),
            JSON.writeValueAsString(body),
            utc(now),
            utc(e.at()),
            utc(now))
        .update();
  }

  /**
   * Pending deliveries that are due, each the oldest pending one of its webhook and job (so one
   * job's are sent in order), the longest waiting first.
   */
  List<Due> due(Instant now, int limit) {
    return jdbc.sql(
            "SELECT d.id, d.webhook_id, d.job_id, d.event_id, d.payload, d.attempts, d.event_at,"
                + " d.next_attempt_at, w.url, w.secret FROM webhook_deliveries d"
                + " JOIN webhooks w ON w.id = d.webhook_id"
                + " WHERE d.state = 'pending' AND d.next_attempt_at <= ?"
                + " AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p"
                + " WHERE p.webhook_id = d.webhook_id AND p.job_id = d.job_id"
                + " AND p.state = 'pending' AND p.event_id < d.event_id)"
                + " ORDER BY d.next_attempt_at, d.event_id LIMIT ?")
        .params(utc(now), limit)
        .query(
            (rs, n) ->
                new Due(
                    rs.getString("id"),
                    rs.getString("webhook_id"),
                    rs.getString("job_id"),
                    rs.getLong("event_id"),
                    rs.getString("payload"),
                    rs.getInt("attempts"),
                    instant(rs, "event_at"),
                    rs.getString("url"),
                    rs.getString("secret"),
                    instant(rs, "next_attempt_at")))
        .list();
  }

  /**
   * Takes a due delivery for one attempt, unless it changed since {@link #due} read it (a read that
   * began before the last attempt's row was written sees it as it was). Its next attempt moves to
   * {@code until}, so it is not due again while it is sent, nor before then after a crash; and
   * another service sharing the database, which read it due at the same time, cannot take it too.
   */
  boolean claim(Due due, Instant until) {
    return jdbc.sql(
                "UPDATE webhook_deliveries SET next_attempt_at = ?"
                    + " WHERE id = ? AND state = 'pending' AND attempts = ? AND next_attempt_at = ?")
            .params(utc(until), due.id(), due.attempts(), utc(due.nextAttemptAt()))
            .update()
        == 1;
  }

  /** When the next pending delivery that is not yet due becomes due, if there is one. */
  Optional<Instant> nextDue(Instant now) {
    return jdbc.sql(
            "SELECT MIN(next_attempt_at) FROM webhook_deliveries"
                + " WHERE state = 'pending' AND next_attempt_at > ?")
        .param(utc(now))
        .query((rs, n) -> instant(rs, 1))
        .optional();
  }

  /** Records an attempt: delivered, or failed with a retry at {@code next} (null: given up). */
  void attempted(String id, Instant at, Integer status, String error, Instant next) {
    DeliveryState state =
        error == null
            ? DeliveryState.DELIVERED
            : next == null ? DeliveryState.FAILED : DeliveryState.PENDING;
    jdbc.sql(
            "UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_status = ?,"
                + " last_error = ?, last_attempt_at = ?, next_attempt_at = ? WHERE id = ?")
        .params(
            state.wireName(),
            status,
            StoredText.cut(error, ERROR_SIZE),
            utc(at),
            utc(next == null ? at : next),
            id)
        .update();
  }

  private record MatchedEvent(
      long id,
      String jobId,
      String kind,
      JobStatus from,
      JobStatus to,
      Instant at,
      String actor,
      ActorKind actorKind,
      String reason,
      String owner,
      String app,
      String displayName,
      JobStatus jobStatus) {}

  private static MatchedEvent matchedEvent(ResultSet rs) throws SQLException {
    String from = rs.getString("from_status");
    String jobStatus = rs.getString("status");
    String actorKind = rs.getString("actor_kind");
    return new MatchedEvent(
        rs.getLong("id"),
        rs.getString("job_id"),
        rs.getString("kind"),
        from == null ? null : JobStatus.valueOf(from),
        JobStatus.valueOf(rs.getString("to_status")),
        instant(rs, "at"),
        rs.getString("actor"),
        actorKind == null ? null : ActorKind.valueOf(actorKind),
        rs.getString("reason"),
        rs.getString("owner"),
        rs.getString("app"),
        rs.getString("display_name"),
        jobStatus == null ? null : JobStatus.valueOf(jobStatus));
  }

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getString("id"),
        rs.getString("owner"),
        rs.getString("url"),
        JSON.readValue(rs.getString("statuses"), STRINGS).stream().map(JobStatus::valueOf).toList(),
        JSON.readValue(rs.getString("apps"), STRINGS),
        JSON.readValue(rs.getString("owners"), STRINGS),
        rs.getString("secret"),
        rs.getLong("after_event"),
        instant(rs, "created_at"));
  }

  private static Delivery delivery(ResultSet rs) throws SQLException {
    Integer status = rs.getObject("last_status") == null ? null : rs.getInt("last_status");
    return new Delivery(
        rs.getString("id"),
        rs.getString("webhook_id"),
        rs.getString("job_id"),
        rs.getLong("event_id"),
        DeliveryState.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)),
        rs.getInt("attempts"),
        instant(rs, "next_attempt_at"),
        status,
        rs.getString("last_error"),
        instant(rs, "last_attempt_at"),
        instant(rs, "event_at"),
        instant(rs, "created_at"));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
