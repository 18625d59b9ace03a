/**
 * The one decision loop ({@link dev.vigil.decision.engine.DecisionEngine}), shared by the Kafka
 * Streams service and the simulator: inputs ({@link dev.vigil.decision.engine.Trigger}) update
 * dataset state; rules, then the model, then the policy baseline on each tick produce intents;
 * the guardrails turn them into {@link dev.vigil.decision.engine.Emission}s.
 *
 * <p>Invariants: every intent ends in exactly one audit record (commanded, proposed, approved,
 * suppressed with the guardrail that stopped it, or no action with the model's explanation),
 * except routine policy suppressions, which are audited once per {@code suppression repeat}, and
 * approvals held behind a command of their lane (approved when held, approved again when issued);
 * state is read and written only through {@link dev.vigil.decision.state.StateAccess}.
 */
package dev.vigil.decision.engine;
