/**
 * {@code vigil decide simulate}: replays a scenario file ({@link dev.vigil.decision.simulate.Scenario})
 * through the same engine the service runs, without Kafka, on a simulated clock, and checks the
 * decisions against the scenario's expectations ({@link dev.vigil.decision.simulate.Simulator}).
 *
 * <p>Invariants: a run is deterministic (ids from a counter, time from the scenario), so the same
 * scenario and rules always print the same timeline; a scenario that does not parse is refused
 * with the file and the step that is wrong.
 */
package dev.vigil.decision.simulate;
