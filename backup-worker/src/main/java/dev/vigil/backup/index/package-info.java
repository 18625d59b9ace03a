/**
 * Index files and the in-memory master index built from them: which pack holds each blob, at
 * which offset, with which lengths. A blob is stored once per repository: writers look it up here
 * before storing it.
 *
 * <p>Invariant: an index file names only packs that were completely written before it.
 */
package dev.vigil.backup.index;
