package dev.jobkit.sdk.users;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The body of {@code POST /api/v1/users} (admin only).
 *
 * @param name a unique name: letters, digits, {@code . _ -}, 1 to 64 characters
 * @param role the user's role, default {@code user}
 * @param schedulingMode default {@code parallel}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record NewUser(String name, Role role, SchedulingMode schedulingMode) {}
