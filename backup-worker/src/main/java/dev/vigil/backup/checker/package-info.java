/**
 * Repository verification: a structural check (index, pack headers, snapshots, trees) and a data
 * check that reads packs and authenticates every blob. Findings name the damaged object and what
 * it affects.
 *
 * <p>Invariant: the checker never changes the repository.
 */
package dev.vigil.backup.checker;
