/**
 * Data the service keeps for users: a {@link dev.jobkit.sdk.data.Dataset} is a file a user uploaded
 * or registered; a {@link dev.jobkit.sdk.data.Model} and a {@link dev.jobkit.sdk.data.Result} are
 * what the shipped {@code train} and {@code predict} apps produced, each with its {@link
 * dev.jobkit.sdk.data.StoredFile files} and their checksums. Every type is an immutable record
 * whose lists and maps are never null.
 */
package dev.jobkit.sdk.data;
