/**
 * Pack files: many sealed blobs followed by an encrypted header that lists them, and the header's
 * length ({@link dev.vigil.backup.pack.Packer}, {@link dev.vigil.backup.pack.PackReader}).
 *
 * <p>Invariants: a blob's offset is the sum of the stored lengths before it; the header
 * authenticates as a pack header; a pack's name is the SHA-256 of its bytes.
 */
package dev.vigil.backup.pack;
