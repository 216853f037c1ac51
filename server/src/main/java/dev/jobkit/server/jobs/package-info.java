/**
 * The job operations behind the API, each checked against the caller's rights and the lifecycle
 * table of {@code dev.jobkit.sdk.lifecycle}: {@link dev.jobkit.server.jobs.JobSubmitter} submits
 * (single, batch, idempotent), {@link dev.jobkit.server.jobs.JobReader} reads (a job, a list, its
 * events, log tails), {@link dev.jobkit.server.jobs.JobControl} updates, stops and deletes. A flush
 * ({@code Flusher}) runs in the background as an operation its caller follows.
 */
package dev.jobkit.server.jobs;
