/**
 * Not for users: the Feign interface of the HTTP API, its codecs and error decoder, the retry
 * plumbing, and the Server-Sent Events reader. Nothing here is part of the SDK's contract.
 */
package dev.jobkit.sdk.internal;
