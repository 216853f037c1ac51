package dev.jobkit.sdk;

import dev.jobkit.sdk.internal.NewShare;
import dev.jobkit.sdk.internal.ShareApi;
import dev.jobkit.sdk.shares.Share;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Share tokens: read-only tokens of one job, for someone without a key of their own. A token reads
 * the job, its log (tail and follow), its events and its results, and is refused everything else;
 * it works for 7 days unless told otherwise (30 days at most), and stops at once when revoked or
 * when its job is deleted. Only the job's owner or an admin makes, lists and revokes them.
 *
 * <pre>{@code
 * Share share = client.shares().create(job.id(), Duration.ofDays(3));
 * // share.token() is shown this once; share.url() carries it for a browser.
 * try (JobkitClient reader = JobkitClient.builder().baseUrl(url).apiKey(share.token()).build()) {
 *   Job seen = reader.jobs().get(job.id());
 * }
 * client.shares().revoke(share.id());
 * }</pre>
 */
public final class Shares {

  private final ShareApi api;
  private final Calls calls;

  Shares(ShareApi api, Calls calls) {
    this.api = api;
    this.calls = calls;
  }

  /**
   * Shares a job for the service's default of 7 days. Not retried: a lost answer would make the
   * retry a second share (the first one's token is lost with the answer; it expires unused).
   *
   * @param jobId the job
   * @return the share, with its token and URL (shown this once)
   * @throws NotFoundException if there is no such job, or the caller may not see it
   * @throws ForbiddenException if the caller sees the job but is neither its owner nor an admin
   */
  public Share create(String jobId) {
    return create(jobId, (String) null);
  }

  /**
   * Shares a job for {@code expiresIn}, as {@link #create(String)} does.
   *
   * @param jobId the job
   * @param expiresIn how long the token works: more than zero, at most 30 days
   * @return the share, with its token and URL (shown this once)
   * @throws ValidationException naming {@code expires_in} if it is zero, negative or over 30 days
   * @throws NotFoundException if there is no such job, or the caller may not see it
   * @throws ForbiddenException if the caller sees the job but is neither its owner nor an admin
   */
  public Share create(String jobId, Duration expiresIn) {
    return create(jobId, Objects.requireNonNull(expiresIn, "expiresIn").toString());
  }

  /**
   * Shares a job for {@code expiresIn} as the service reads it, as {@link #create(String)} does.
   *
   * @param jobId the job
   * @param expiresIn a whole number and a unit ({@code 90s}, {@code 30m}, {@code 12h}, {@code 3d})
   *     or an ISO-8601 duration ({@code P3D}); null for the default of 7 days
   * @return the share, with its token and URL (shown this once)
   * @throws ValidationException naming {@code expires_in} if it is not such a duration, or zero,
   *     negative or over 30 days
   * @throws NotFoundException if there is no such job, or the caller may not see it
   * @throws ForbiddenException if the caller sees the job but is neither its owner nor an admin
   */
  public Share create(String jobId, String expiresIn) {
    return calls.once(() -> api.create(jobId, new NewShare(expiresIn)));
  }

  /**
   * The job's shares that still work, oldest first, without their tokens.
   *
   * @param jobId the job
   * @return the shares; empty when there are none
   * @throws NotFoundException if there is no such job, or the caller may not see it
   * @throws ForbiddenException if the caller sees the job but is neither its owner nor an admin
   */
  public List<Share> list(String jobId) {
    return calls.run(() -> api.list(jobId)).items();
  }

  /**
   * Revokes a share: its token is refused from the next request on. Not retried: a lost answer
   * would make the retry a 404.
   *
   * @param shareId the share's id, {@code shr_...}
   * @throws NotFoundException if there is no such share (or it was revoked, or its job deleted)
   * @throws ForbiddenException if the caller is neither the job's owner nor an admin
   */
  public void revoke(String shareId) {
    calls.once(
        () -> {
          api.revoke(shareId);
          return null;
        });
  }
}
