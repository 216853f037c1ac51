/**
 * Webhooks: a {@link dev.jobkit.sdk.webhooks.Webhook} is a URL the service tells of jobs'
 * transitions, each as a signed POST (a {@link dev.jobkit.sdk.webhooks.Delivery}); {@link
 * dev.jobkit.sdk.webhooks.WebhookVerifier} checks the signature on the receiving side, and needs no
 * client.
 */
package dev.jobkit.sdk.webhooks;
