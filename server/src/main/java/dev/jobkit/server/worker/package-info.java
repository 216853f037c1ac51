/**
 * The external worker, {@code jobkit worker}: a process on another machine (or beside the service)
 * that registers with a service through the worker protocol ({@code /api/v1/internal/…}), claims
 * jobs, runs them with the service's own executor code ({@code exec.StandaloneExecutor}) and ships
 * their logs, progress, metrics, results and ends back. Plain classes, no Spring beans: nothing
 * here runs inside the service.
 */
package dev.jobkit.server.worker;
