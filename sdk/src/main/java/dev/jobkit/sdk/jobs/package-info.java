/**
 * The job model of the API: {@link dev.jobkit.sdk.jobs.Job} and its parts, what is sent to submit
 * ({@link dev.jobkit.sdk.jobs.JobSpec}) and update ({@link dev.jobkit.sdk.jobs.JobUpdate}) a job,
 * its event log ({@link dev.jobkit.sdk.jobs.JobEvent}) and list pages. Every type is an immutable
 * record that reads and writes the API's snake_case JSON.
 */
package dev.jobkit.sdk.jobs;
