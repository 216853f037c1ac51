/**
 * The values of the guarded protocol for risky actions (stop, delete, flush): what a pre-check
 * found ({@link dev.jobkit.sdk.guard.Precheck}), who confirms it ({@link
 * dev.jobkit.sdk.guard.Confirmer}), and how the action ended ({@link dev.jobkit.sdk.guard.Outcome},
 * one named {@link dev.jobkit.sdk.guard.OutcomeKind}), and the rule that makes a name safe to show
 * in a prompt ({@link dev.jobkit.sdk.guard.PromptText}). The protocol itself runs in {@code
 * GuardedActions}, made by {@code JobkitClient.guarded(confirmer)}; this package depends only on
 * the model and the lifecycle, never on the client.
 */
package dev.jobkit.sdk.guard;
