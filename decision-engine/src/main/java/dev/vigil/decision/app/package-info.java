/**
 * The decision engine as a Kafka Streams service: its configuration ({@link
 * dev.vigil.decision.app.DecisionConfig}), its topology ({@link dev.vigil.decision.app.DecisionTopology},
 * everything processed keyed by host), and its lifecycle ({@link dev.vigil.decision.app.DecisionService}).
 *
 * <p>Invariants: exactly-once processing; every processor, store and internal topic named; a
 * command is serialized once and those very bytes are signed and sent; input that does not
 * deserialize goes to the dead-letter topic with the reason in {@code vigil.dlq.reason}.
 */
package dev.vigil.decision.app;
