/**
 * Kafka's own broker, started in this JVM.
 *
 * <p>{@link dev.vigil.embedded.EmbeddedKafkaBroker} formats a storage directory and runs a KRaft
 * server in combined mode (broker and controller in one node), exactly what {@code kafka.Kafka}
 * runs after {@code kafka-storage.sh format}. It listens on loopback only. It serves {@code vigil
 * demo}, {@code vigil local}, {@code vigil broker} and the integration tests; it is not a
 * production cluster: one node, replication factor 1. {@link dev.vigil.embedded.EmbeddedKafkaCluster} runs several
 * such nodes with Kafka's own replication defaults, for tests of what only a cluster shows: a node stops, or runs in a
 * JVM of its own ({@link dev.vigil.embedded.KraftNodeProcess}) to be killed as a crash would, and starts again.
 */
package dev.vigil.embedded;
