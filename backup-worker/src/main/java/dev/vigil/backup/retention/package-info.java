/**
 * Retention: which snapshots to forget by policy ({@link dev.vigil.backup.retention.RetentionPolicy})
 * and removing the data nothing uses any more ({@link dev.vigil.backup.retention.Pruner}).
 *
 * <p>Invariants: protected snapshots are never forgotten; at every moment of a prune every blob of
 * every snapshot is indexed and present.
 */
package dev.vigil.backup.retention;
