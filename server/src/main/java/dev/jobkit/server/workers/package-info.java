/**
 * The worker protocol ({@code /api/v1/internal/…}, docs/workers.md): external workers register,
 * claim jobs, report their phases, logs, results and ends, and keep their claims alive with
 * heartbeats. This package checks who may act as which worker and what each request holds; the
 * engine's {@link dev.jobkit.server.engine.WorkerClaims} moves the jobs.
 */
package dev.jobkit.server.workers;
