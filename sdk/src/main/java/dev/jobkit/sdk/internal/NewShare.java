package dev.jobkit.sdk.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body that makes a share.
 *
 * @param expiresIn how long its token works ({@code 3d}, {@code PT12H}, …); null for the service's
 *     default of 7 days
 */
public record NewShare(@JsonProperty("expires_in") String expiresIn) {}
