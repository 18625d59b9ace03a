/**
 * What the engine knows per dataset and per host, kept in Kafka Streams state stores (or in
 * memory for simulation). {@link dev.vigil.decision.state.DatasetState} holds everything one
 * decision needs about a dataset: last success per level, changes since the last full, chain
 * length, open episodes, failures, commands in flight, proposals awaiting approval;
 * {@link dev.vigil.decision.state.BackupStarts} what one stream task started lately, for its backup cap.
 *
 * <p>Invariants: all times are epoch milliseconds taken from the engine's clock or the records;
 * lists are bounded, so a state value stays small whatever the input rate. State is encoded as
 * JSON ({@link dev.vigil.decision.state.JsonSerde}), which tolerates added fields.
 */
package dev.vigil.decision.state;
