/**
 * Authentication and users: API keys (sent as {@code Authorization: Bearer} or {@code X-Api-Key},
 * stored as SHA-256 hashes), the roles {@code user}, {@code admin} and {@code worker}, the admin
 * key bootstrap, and the admin endpoints' service.
 */
package dev.jobkit.server.auth;
