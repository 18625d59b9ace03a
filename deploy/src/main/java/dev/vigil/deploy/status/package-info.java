/**
 * {@code vigil status}: whether Vigil is healthy, from Kafka alone. Read-only: the Admin API (groups, their
 * committed offsets, end offsets) and short-lived consumers without a group that read each topic within a bound
 * (the compacted registry whole, the others from a point in time found with offsetsForTimes). Nothing is written,
 * no service keeps anything for it.
 */
package dev.vigil.deploy.status;
