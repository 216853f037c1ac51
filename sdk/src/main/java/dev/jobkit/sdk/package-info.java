/**
 * The Jobkit SDK. The model of the job API lives in {@link dev.jobkit.sdk.jobs} and {@link
 * dev.jobkit.sdk.users}, the lifecycle rules in {@link dev.jobkit.sdk.lifecycle}, and errors are
 * described by {@link dev.jobkit.sdk.Problem}. The typed client arrives with issue 3.
 */
package dev.jobkit.sdk;
