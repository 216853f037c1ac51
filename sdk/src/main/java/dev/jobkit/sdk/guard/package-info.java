/**
 * The guarded protocol for risky actions (stop, delete, flush): pre-check from the lifecycle table,
 * confirm through a {@link dev.jobkit.sdk.guard.Confirmer}, execute, verify — ending in one named
 * {@link dev.jobkit.sdk.guard.OutcomeKind}.
 */
package dev.jobkit.sdk.guard;
