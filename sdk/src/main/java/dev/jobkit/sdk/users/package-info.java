/**
 * Users, their roles and scheduling modes, and API keys: the model of {@code /api/v1/me} and of the
 * admin endpoints under {@code /api/v1/users}.
 */
package dev.jobkit.sdk.users;
