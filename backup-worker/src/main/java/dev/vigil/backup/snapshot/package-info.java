/**
 * Snapshots and the trees they point to: {@link dev.vigil.backup.snapshot.Snapshot} records (one
 * backup of one dataset), {@link dev.vigil.backup.snapshot.Tree} blobs (one directory each) made of
 * {@link dev.vigil.backup.snapshot.Node}s.
 *
 * <p>Invariant: a snapshot's tree is complete; it never depends on its parent to restore.
 */
package dev.vigil.backup.snapshot;
