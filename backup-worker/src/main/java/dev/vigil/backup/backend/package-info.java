/**
 * Where repository files live: a dumb store of named, immutable files ({@link
 * dev.vigil.backup.backend.Backend}) with save, ranged load, list, stat and remove. It knows nothing
 * of encryption or packs. {@link dev.vigil.backup.backend.LocalBackend} stores in a directory;
 * decorators add cross-cutting behaviour ({@link dev.vigil.backup.backend.RetryingBackend}).
 *
 * <p>Invariant: a saved file is visible whole or not at all; names other than the two fixed ones
 * are content hashes, so saving the same name twice stores the same bytes.
 */
package dev.vigil.backup.backend;
