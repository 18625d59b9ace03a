/**
 * The policy baseline: what each dataset's spec asks for regardless of events (first backup,
 * RPO, FULL every N days, the level by data changed since the FULL, periodic VERIFY, retention on
 * schedule), with thresholds from the policy file ({@link dev.vigil.decision.policy.PolicyConfig}).
 *
 * <p>Invariant: {@link dev.vigil.decision.policy.PolicyBaseline} is a pure function of spec,
 * state and time, evaluated on every tick, so nothing it wants is lost when a guardrail defers it.
 */
package dev.vigil.decision.policy;
