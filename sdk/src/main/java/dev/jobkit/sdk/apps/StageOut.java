package dev.jobkit.sdk.apps;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * An output copied out of the job's work dir after a successful run.
 *
 * @param path the file, relative to the job's work dir
 * @param destination a path (under one of the service's transfer roots) or an {@code http(s)} URL
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StageOut(String path, String destination) {}
