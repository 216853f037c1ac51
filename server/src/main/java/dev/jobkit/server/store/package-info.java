/**
 * Persistence: {@link dev.jobkit.server.store.JobStore} and {@link
 * dev.jobkit.server.store.UserStore} (and {@link dev.jobkit.server.store.FlushOperationStore} for
 * background flushes) are the SPIs the engine and API depend on; the JDBC implementations here run
 * plain SQL through {@code JdbcClient} against the schema in {@code db/migration}, on H2 and
 * PostgreSQL alike. {@code ServiceLease} keeps the database to this one service while it runs: a
 * second service on it refuses to start. Rows are read in one place ({@code RowMappers}), and every
 * SDK {@code Job} the server makes is built by {@link dev.jobkit.server.store.JobRow}.
 */
package dev.jobkit.server.store;
