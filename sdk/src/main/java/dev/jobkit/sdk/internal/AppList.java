package dev.jobkit.sdk.internal;

import dev.jobkit.sdk.apps.App;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Apps without paging: the answer of {@code GET /api/v1/apps} (the latest version of each) and of
 * {@code GET /api/v1/apps/{name}/versions} (every version, oldest first).
 *
 * @param items the apps
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AppList(List<App> items) {}
