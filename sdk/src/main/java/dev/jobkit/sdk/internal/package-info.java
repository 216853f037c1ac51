/**
 * Not for users: the Feign interface of the HTTP API, its request and answer envelopes and the JSON
 * codec. It depends on the model packages only, never on {@code dev.jobkit.sdk}: the client's
 * plumbing that needs the SDK's exceptions and {@code RetryPolicy} (error decoder, retries,
 * backoff, the Server-Sent Events reader) is package-private in {@code dev.jobkit.sdk}. Nothing
 * here is part of the SDK's contract.
 */
package dev.jobkit.sdk.internal;
