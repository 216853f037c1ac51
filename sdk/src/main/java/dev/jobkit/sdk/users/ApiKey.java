package dev.jobkit.sdk.users;

import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A newly created API key. The service stores only its hash: {@code key} is shown this once.
 *
 * @param keyId the key's id, to refer to it later
 * @param user the user it authenticates
 * @param key the secret, to send as {@code Authorization: Bearer <key>} or {@code X-Api-Key}
 * @param createdAt when it was made
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ApiKey(String keyId, String user, String key, Instant createdAt) {}
