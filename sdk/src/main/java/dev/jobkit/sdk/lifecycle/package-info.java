/**
 * The job lifecycle: {@link dev.jobkit.sdk.lifecycle.JobStatus} (states, transitions, aliases) and
 * {@link dev.jobkit.sdk.lifecycle.Operation} (which operation is allowed in which state). The
 * service enforces exactly this table and clients pre-check with it; nothing else copies it.
 */
package dev.jobkit.sdk.lifecycle;
