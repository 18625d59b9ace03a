package dev.vigil.backup.pack;

/**
 * Where one blob sits in its pack.
 *
 * @param type what it holds
 * @param id its id
 * @param compressed whether the stored bytes are zstd-compressed
 * @param offset its first byte in the pack
 * @param storedLength its length in the pack: nonce, ciphertext and tag
 * @param rawLength the plaintext length
 */
public record PackedBlob(BlobType type, BlobId id, boolean compressed, int offset, int storedLength,
                         int rawLength) {
}
