/**
 * The guardrails between what the engine wants ({@link dev.vigil.decision.state.Intent}) and what
 * it does: approval of destructive actions, no duplicate in flight, backoff after failures,
 * maintenance windows, cooldowns, the per-host cap ({@link dev.vigil.decision.guard.Guard}).
 *
 * <p>Invariant: the guard only reads state; the engine applies its verdict and audits it, so every
 * intent held back or dropped leaves an audit record with the guardrail that stopped it.
 */
package dev.vigil.decision.guard;
