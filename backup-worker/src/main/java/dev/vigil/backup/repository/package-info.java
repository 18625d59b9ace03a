/**
 * The repository: an encrypted, deduplicating blob store over a dumb {@link
 * dev.vigil.backup.backend.Backend}. It seals blobs into packs, keeps the master index, opens the
 * repository with a password key and reads and writes the small encrypted files (snapshots,
 * index, locks).
 *
 * <p>Invariants: a blob is stored once (claimed in the index or in flight before it is written);
 * an index file is written only after the packs it names; every read authenticates.
 */
package dev.vigil.backup.repository;
