package dev.jobkit.sdk.data;

import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A dataset: a file a user uploaded (kept by the service) or registered in place under one of the
 * service's dataset roots. Jobs of the {@code train} and {@code predict} apps name it by id.
 *
 * @param id the dataset's id, {@code ds_...}
 * @param name the name it was given
 * @param owner the user who added it; only they and an admin see it
 * @param source {@code upload} (the service keeps the bytes) or {@code path} (registered in place)
 * @param path the registered file's path; null for an upload
 * @param sizeBytes its size in bytes when it was added
 * @param sha256 the SHA-256 of its bytes when it was added, 64 lowercase hex digits
 * @param rows its data rows (a header row not counted) when it reads as CSV, else null
 * @param columns its columns when it reads as CSV, else null
 * @param createdAt when it was added
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Dataset(
    String id,
    String name,
    String owner,
    String source,
    String path,
    long sizeBytes,
    String sha256,
    Long rows,
    Integer columns,
    Instant createdAt) {}
