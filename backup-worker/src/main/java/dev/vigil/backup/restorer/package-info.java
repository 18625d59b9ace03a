/**
 * Restoring snapshots into directories: whole snapshots or chosen paths, onto new targets or, with
 * overwrite, onto existing files replaced atomically.
 *
 * <p>Invariants: every chunk authenticates before it is written; a restored file gets its
 * metadata only after its content; sparse regions stay holes; hard links come back as links.
 */
package dev.vigil.backup.restorer;
