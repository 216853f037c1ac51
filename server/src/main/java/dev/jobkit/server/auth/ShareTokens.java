package dev.jobkit.server.auth;

/**
 * What a share token stands for, asked by {@link ApiKeyInterceptor} and answered by the shares
 * feature ({@code dev.jobkit.server.shares}), which keeps the tokens' hashes. A share token starts
 * with {@value #PREFIX}, so one look tells it from an API key ({@code jk_}) or a job token ({@code
 * jkt_}).
 */
public interface ShareTokens {

  /** How every share token starts. */
  String PREFIX = "jks_";

  /**
   * A live share: the job it reads and that job's owner, whose (non-admin) rights the reads use.
   *
   * @param shareId the share's id, {@code shr_…}
   * @param jobId the one job the token reads
   * @param owner the job's owner
   */
  record Grant(String shareId, String jobId, String owner) {}

  /**
   * The share a token belongs to, at this moment: no cache, so a revoked token fails at once.
   *
   * @throws dev.jobkit.server.ApiException 401 when the token is unknown, revoked, expired, or its
   *     job was deleted
   */
  Grant authenticate(String token);

  /**
   * Of the given shares, those whose tokens still work (not revoked, not expired, their job still
   * there): how the open streams of share tokens learn that theirs must end.
   */
  java.util.Set<String> live(java.util.Collection<String> shareIds);

  /**
   * Published when a share is revoked, so that the streams its token opened end at once.
   *
   * @param shareId the revoked share
   */
  record Revoked(String shareId) {}

  static boolean isShareToken(String key) {
    return key.startsWith(PREFIX);
  }
}
