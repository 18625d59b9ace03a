/**
 * Log tailing: files matched by globs, followed by identity (device, inode) through rotation by
 * rename and by copy-truncate (rotated names and gzipped rotations: {@link dev.vigil.collector.logs.RotatedNames},
 * {@link dev.vigil.collector.logs.Compressed}; those it did not see happen: {@link
 * dev.vigil.collector.logs.RotationCatchUp}), split into lines in a configured charset, joined into multi-line
 * records by a start pattern, bounded in length.
 *
 * <p>Invariants: a checkpoint never runs ahead of what the outbox accepted; a record's id depends
 * only on the file identity, truncation generation, offset and text, so reading it again after a
 * crash repeats its id instead of inventing a new record.
 */
package dev.vigil.collector.logs;
