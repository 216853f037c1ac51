package dev.jobkit.sdk.shares;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A share of a job: a read-only token that lets whoever holds it read that one job, its log (tail
 * and follow), its events and its results, and nothing else, until it expires or is revoked. The
 * service keeps only the token's hash, so {@link #token()} and {@link #url()} are there only in the
 * answer to the share's creation; a list of shares carries neither.
 *
 * @param id the share's id, {@code shr_...}; what {@code shares().revoke(id)} takes
 * @param jobId the job it reads
 * @param createdBy the user who made it: the job's owner or an admin
 * @param createdAt when it was made
 * @param expiresAt when the token stops working
 * @param token the token, {@code jks_...}, sent as {@code Authorization: Bearer}; null but in the
 *     answer to the creation
 * @param url the job's address with the token as its {@code share_token} query parameter, which
 *     works in a browser; null but in the answer to the creation
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Share(
    String id,
    String jobId,
    String createdBy,
    Instant createdAt,
    Instant expiresAt,
    String token,
    URI url) {

  /**
   * This share without its secret parts ({@link #token()}, {@link #url()}), as a list shows it.
   *
   * @return the share with a null token and url
   */
  public Share withoutToken() {
    return new Share(id, jobId, createdBy, createdAt, expiresAt, null, null);
  }
}
