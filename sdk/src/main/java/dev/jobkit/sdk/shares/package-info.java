/**
 * Share tokens: {@link dev.jobkit.sdk.shares.Share} is a read-only token of one job that its owner
 * (or an admin) makes, lists and revokes with {@code JobkitClient.shares()}. A client built with a
 * share token as its key reads that job, its log, events and results, and is refused everything
 * else.
 */
package dev.jobkit.sdk.shares;
