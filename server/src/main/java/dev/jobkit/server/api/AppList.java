package dev.jobkit.server.api;

import dev.jobkit.sdk.apps.App;
import java.util.List;

/**
 * Apps without paging: the latest version of each app, or every version of one, oldest first.
 *
 * @param items the apps
 */
record AppList(List<App> items) {}
