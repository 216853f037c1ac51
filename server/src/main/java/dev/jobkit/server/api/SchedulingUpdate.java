package dev.jobkit.server.api;

import dev.jobkit.sdk.users.SchedulingMode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The body of {@code PUT /api/v1/users/{name}/scheduling} (admin only). The service's own envelope:
 * SDK users call {@code users().setSchedulingMode(user, mode)}.
 *
 * @param mode the user's new scheduling mode
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record SchedulingUpdate(SchedulingMode mode) {}
