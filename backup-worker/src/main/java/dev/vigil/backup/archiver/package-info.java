/**
 * Backing up a directory tree into a snapshot: the walk that compares with the parent snapshot
 * (size, mtime, ctime, inode), the pool that reads, chunks, hashes, compresses, encrypts and packs
 * new content, torn-file detection, and the change journal that can replace the walk.
 *
 * <p>Invariants: a snapshot is saved only after every blob it references is indexed; a file that
 * changed while read is never stored torn; memory is bounded by the pool's queue, not the tree.
 */
package dev.vigil.backup.archiver;
