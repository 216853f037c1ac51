package dev.jobkit.sdk.apps;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * An input copied into the job's work dir before it runs.
 *
 * @param source a path (under one of the service's transfer roots) or an {@code http(s)} URL
 * @param path where it goes, relative to the job's work dir
 * @param sha256 the SHA-256 it must have (64 hex digits), or null for no check
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StageIn(String source, String path, String sha256) {}
