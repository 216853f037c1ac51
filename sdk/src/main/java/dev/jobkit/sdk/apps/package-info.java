/**
 * The app model of the API: an {@link dev.jobkit.sdk.apps.App} is a named, versioned job template
 * (a command or shell template, a JSON Schema of its parameters, defaults, hooks and transfers);
 * {@link dev.jobkit.sdk.apps.AppSpec} is what an admin sends to define one and {@link
 * dev.jobkit.sdk.apps.AppRun} what a user submits to run one. Every type is an immutable record
 * whose lists and maps are never null.
 */
package dev.jobkit.sdk.apps;
