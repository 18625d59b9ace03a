/**
 * Moving data between repositories: copying snapshots to another repository, re-encrypted under
 * its keys and deduplicated there ({@link dev.vigil.backup.migration.SnapshotCopier}). Restoring a
 * dataset onto another host or path is the restorer's job with a different target.
 *
 * <p>Invariant: a copied snapshot is written only after all of its data is indexed in the target.
 */
package dev.vigil.backup.migration;
