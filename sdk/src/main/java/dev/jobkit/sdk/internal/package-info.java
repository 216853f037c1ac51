/**
 * Not for users: the Feign interface of the HTTP API, its codecs and error decoder, the retry
 * plumbing, the Server-Sent Events reader, and the rule that makes a name safe to show in a prompt.
 * Nothing here is part of the SDK's contract.
 */
package dev.jobkit.sdk.internal;
