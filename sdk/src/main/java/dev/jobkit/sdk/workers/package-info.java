/**
 * The worker protocol's records: what a worker registers as ({@link
 * dev.jobkit.sdk.workers.Worker}), the jobs it claims ({@link dev.jobkit.sdk.workers.ClaimedJob}),
 * what it reports in a heartbeat ({@link dev.jobkit.sdk.workers.JobReport}) and is answered ({@link
 * dev.jobkit.sdk.workers.HeartbeatAnswer}), and why an attempt failed ({@link
 * dev.jobkit.sdk.workers.ErrorKind}). {@code JobkitClient.internal()} sends and reads them; see
 * docs/workers.md for the protocol.
 */
package dev.jobkit.sdk.workers;
