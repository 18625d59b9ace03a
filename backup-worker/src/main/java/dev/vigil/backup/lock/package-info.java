/**
 * Repository locks: shared for backup, restore, check and copy; exclusive for prune and forget.
 *
 * <p>Invariant: an exclusive lock is held only while no other non-stale lock exists.
 */
package dev.vigil.backup.lock;
