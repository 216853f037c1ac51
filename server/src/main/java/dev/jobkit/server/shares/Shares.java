package dev.jobkit.server.shares;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.shares.Share;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.auth.Caller;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.auth.ShareTokens;
import dev.jobkit.server.jobs.JobReader;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Makes, lists and revokes shares, and tells the interceptor what a share token stands for. Only
 * the job's owner or an admin may share a job: another user who sees it (a public job) gets 403,
 * one who does not (a private job) 404, as if it did not exist.
 */
@Service
class Shares implements ShareTokens {

  static final Duration DEFAULT_EXPIRY = Duration.ofDays(7);
  static final Duration MAX_EXPIRY = Duration.ofDays(30);

  private static final Pattern AMOUNT = Pattern.compile("(\\d{1,9})\\s*([smhd])");

  private final ShareStore store;
  private final JobReader jobs;
  private final ApplicationEventPublisher events;

  Shares(ShareStore store, JobReader jobs, ApplicationEventPublisher events) {
    this.store = store;
    this.jobs = jobs;
    this.events = events;
  }

  /** A new share of the job, with its token (shown this once) and a URL that carries it. */
  Share create(Caller caller, String jobId, String expiresIn, String baseUrl) {
    Duration expiry = expiry(expiresIn);
    Job job = shareable(caller, jobId);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    store.deleteExpired(job.id(), now);
    String token = PREFIX + Keys.newApiKey().substring("jk_".length());
    Share share =
        new Share(
            Keys.newId("shr"),
            job.id(),
            caller.name(),
            now,
            now.plus(expiry),
            token,
            URI.create(baseUrl + "/api/v1/jobs/" + job.id() + "?share_token=" + token));
    store.insert(share.withoutToken(), Keys.hash(token));
    return share;
  }

  /** The job's shares that still work, oldest first, without their tokens. */
  List<Share> list(Caller caller, String jobId) {
    Job job = shareable(caller, jobId);
    return store.active(job.id(), Instant.now());
  }

  /** Deletes the share: its token is refused from the next request on. */
  void revoke(Caller caller, String shareId) {
    ApiException notFound =
        ApiException.notFound(
            "no share " + shareId + " (it does not exist, was revoked, or you may not see it)");
    ShareStore.Holder holder = store.find(shareId).orElseThrow(() -> notFound);
    Job job;
    try {
      job = jobs.get(caller, holder.share().jobId());
    } catch (ApiException hidden) {
      throw notFound;
    }
    mayShare(caller, job);
    if (store.delete(shareId)) {
      events.publishEvent(new Revoked(shareId));
    }
  }

  @Override
  public Set<String> live(Collection<String> shareIds) {
    return store.live(shareIds, Instant.now());
  }

  @Override
  public Grant authenticate(String token) {
    ShareStore.Holder holder =
        store
            .findByTokenHash(Keys.hash(token))
            .orElseThrow(
                () ->
                    ApiException.unauthorized(
                        "the share token is not valid: it was revoked, or its job was deleted"));
    if (!holder.share().expiresAt().isAfter(Instant.now())) {
      throw ApiException.unauthorized(
          "the share token expired at " + holder.share().expiresAt() + "; ask for a new one");
    }
    return new Grant(holder.share().id(), holder.share().jobId(), holder.owner());
  }

  private Job shareable(Caller caller, String jobId) {
    Job job = jobs.get(caller, jobId); // 404 unless visible
    mayShare(caller, job);
    return job;
  }

  private static void mayShare(Caller caller, Job job) {
    if (!caller.canModify(job)) {
      throw ApiException.forbidden(
          "only the owner of job " + job.id() + " or an admin may share it or see its shares");
    }
  }

  /**
   * {@code expires_in}: a whole number and a unit ({@code 90s}, {@code 30m}, {@code 12h}, {@code
   * 3d}) or an ISO-8601 duration ({@code P3D}, {@code PT12H}); null means 7 days. More than zero
   * and at most 30 days.
   */
  static Duration expiry(String text) {
    if (text == null) {
      return DEFAULT_EXPIRY;
    }
    String value = text.strip().toLowerCase(Locale.ROOT);
    Duration expiry = null;
    Matcher amount = AMOUNT.matcher(value);
    if (amount.matches()) {
      long n = Long.parseLong(amount.group(1));
      expiry =
          switch (amount.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
    } else if (value.startsWith("p") || value.startsWith("-p")) {
      try {
        expiry = Duration.parse(value.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        expiry = null;
      }
    }
    if (expiry == null) {
      throw ApiException.invalid(
          "expires_in",
          "must be a duration such as 90s, 30m, 12h, 3d or P3D (at most 30d), not '" + text + "'");
    }
    if (expiry.isZero() || expiry.isNegative()) {
      throw ApiException.invalid("expires_in", "must be more than zero, not '" + text + "'");
    }
    if (expiry.compareTo(MAX_EXPIRY) > 0) {
      throw ApiException.invalid(
          "expires_in", "must be at most 30 days (30d, 720h), not '" + text + "'");
    }
    return expiry;
  }
}
