/**
 * Webhooks: users' URLs told of their jobs' transitions. {@link
 * dev.jobkit.server.webhooks.WebhookDispatcher} matches committed events against the webhooks into
 * delivery rows (moving a durable cursor over {@code job_events} in the same transaction) and sends
 * the due ones, signed, from a small pool of its own; the engine only writes its events, as it
 * always does. Depends on the core; the core knows nothing of it.
 */
package dev.jobkit.server.webhooks;
