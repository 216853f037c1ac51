/**
 * Share tokens: read-only tokens of one job that its owner or an admin makes, lists and revokes
 * ({@code /api/v1/jobs/{id}/shares}, {@code /api/v1/shares/{share_id}}). Only their hashes are
 * kept; {@link dev.jobkit.server.auth.ApiKeyInterceptor} asks this package what a token stands for,
 * through {@link dev.jobkit.server.auth.ShareTokens}, on every request.
 */
package dev.jobkit.server.shares;
