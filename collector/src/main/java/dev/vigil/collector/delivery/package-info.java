/**
 * Delivery: every accepted record is appended to the on-disk {@link dev.vigil.collector.delivery.Spool}
 * first, and the {@link dev.vigil.collector.delivery.Sender} moves it to Kafka (idempotent producer,
 * acks=all, compressed batches), removing it only once acknowledged.
 *
 * <p>Invariants: a record keeps the id it got when accepted through every retry and replay; per kind,
 * records reach Kafka in the order they were accepted; when the spool is full, metrics are dropped
 * before logs and logs before events, and every drop is counted.
 */
package dev.vigil.collector.delivery;
