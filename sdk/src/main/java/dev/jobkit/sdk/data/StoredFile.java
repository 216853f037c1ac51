package dev.jobkit.sdk.data;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A file of a model or a result, as it was when the record was made.
 *
 * @param path the file's absolute path on the service's machine
 * @param sizeBytes its size in bytes
 * @param sha256 the SHA-256 of its bytes, 64 lowercase hex digits
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StoredFile(String path, long sizeBytes, String sha256) {}
