package dev.jobkit.sdk.jobs;

import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One file a job wrote under its output dir ({@code JOBKIT_OUTPUT_DIR}), as its {@link
 * ResultManifest} lists it.
 *
 * @param path where it is under the output dir: relative, its directories separated by {@code /}
 *     ({@code model/weights.bin}); the name to download it by
 * @param sizeBytes its size in bytes
 * @param sha256 the SHA-256 of its bytes, 64 lowercase hex digits, taken once when the job ended;
 *     null while the job has not ended (the manifest is not {@link ResultManifest#complete() final}
 *     then)
 * @param modifiedAt when it was last written
 * @param mediaType its media type by its name's extension ({@code text/csv}), {@code
 *     application/octet-stream} when the extension says nothing
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResultFile(
    String path, long sizeBytes, String sha256, Instant modifiedAt, String mediaType) {}
