/**
 * Repository locks: shared for backup, restore, check and copy; exclusive for prune and forget.
 *
 * <p>Invariant: an exclusive lock is held only while no other non-stale lock exists. A process stopped by a signal
 * releases its locks last, once its work stopped and no file is saved any more ({@code StopOrder}).
 */
package dev.vigil.backup.lock;
