/**
 * Persistence: {@link dev.jobkit.server.store.JobStore} and {@link
 * dev.jobkit.server.store.UserStore} are the SPIs the engine and API depend on; the JDBC
 * implementations here run plain SQL through {@code JdbcClient} against the schema in {@code
 * db/migration}, on H2 and PostgreSQL alike.
 */
package dev.jobkit.server.store;
