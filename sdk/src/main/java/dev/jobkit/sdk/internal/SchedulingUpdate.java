package dev.jobkit.sdk.internal;

import dev.jobkit.sdk.users.SchedulingMode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The body of {@code PUT /api/v1/users/{name}/scheduling} (admin only), which {@code
 * Users.setSchedulingMode} sends.
 *
 * @param mode the user's new scheduling mode
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SchedulingUpdate(SchedulingMode mode) {}
