package dev.jobkit.sdk.users;

import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A user of the service, as {@code GET /api/v1/me} and the admin endpoints report it.
 *
 * @param name the user's unique name
 * @param role what the user may do
 * @param schedulingMode how many of their jobs may run at once
 * @param createdAt when the user was created
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record User(String name, Role role, SchedulingMode schedulingMode, Instant createdAt) {}
