/**
 * Content-defined chunking (FastCDC). Chunk boundaries depend only on the bytes near them and the
 * repository's gear seed, so unchanged regions of a changed file produce the same chunks.
 *
 * <p>Invariant: every chunk but a file's last is between min and max bytes long.
 */
package dev.vigil.backup.chunker;
