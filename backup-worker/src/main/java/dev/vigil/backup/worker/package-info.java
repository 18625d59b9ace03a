/**
 * The thin Kafka-facing part of the worker that does not touch Kafka itself: validating and
 * executing commands ({@link dev.vigil.backup.worker.CommandExecutor}), the durable ledger that
 * makes each command id run once ({@link dev.vigil.backup.worker.Ledger}), restore target checks
 * ({@link dev.vigil.backup.worker.TargetGuard}) and the host → partition mapping.
 *
 * <p>Invariant: a command is recorded STARTED before any work, and DONE with its final result
 * before that result is sent; the entry keeps the result until the cluster acknowledged it.
 */
package dev.vigil.backup.worker;
