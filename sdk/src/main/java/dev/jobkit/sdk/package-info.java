/**
 * The Jobkit SDK. {@link dev.jobkit.sdk.JobkitClient} is the entry point: {@code
 * JobkitClient.builder()...build()} or {@code JobkitClient.fromEnvironment()}, then {@code jobs()}
 * (submit, list, get, update, events, watch, logs, await) and {@code users()}; risky actions go
 * through {@code guarded(confirmer)}, a {@link dev.jobkit.sdk.GuardedActions} whose values live in
 * {@link dev.jobkit.sdk.guard}. The model of the job API lives in {@link dev.jobkit.sdk.jobs} and
 * {@link dev.jobkit.sdk.users}, the lifecycle rules in {@link dev.jobkit.sdk.lifecycle}; every
 * failure is a {@link dev.jobkit.sdk.JobkitException}, and a refusal of the service carries its
 * {@link dev.jobkit.sdk.Problem}.
 */
package dev.jobkit.sdk;
