/**
 * The job operations behind the API: submit (single, batch, idempotent), read, list, update, stop,
 * delete, flush and log tails, each checked against the caller's rights and the lifecycle table of
 * {@code dev.jobkit.sdk.lifecycle}. A flush ({@code Flusher}) runs in the background as an
 * operation its caller follows.
 */
package dev.jobkit.server.jobs;
