/**
 * Keys and encryption: the master key ({@link dev.vigil.backup.crypto.MasterKey}), AES-256-GCM with
 * a random nonce per message ({@link dev.vigil.backup.crypto.Aead}), keyed blob ids ({@link
 * dev.vigil.backup.crypto.BlobHasher}) and password key files wrapping the master key with scrypt
 * ({@link dev.vigil.backup.crypto.KeyFile}).
 *
 * <p>Invariants: a nonce is never chosen twice on purpose (96 random bits per message); every
 * decryption authenticates before it returns a byte.
 */
package dev.vigil.backup.crypto;
