package dev.vigil.backup.pack;

import dev.vigil.backup.crypto.BlobHasher;
import dev.vigil.backup.crypto.Envelope;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Collects sealed blobs into one pack file in memory and finishes it with its encrypted header.
 * Not thread-safe: the repository hands each packer to one thread at a time.
 */
public final class Packer {
    /** Bytes of one header entry. */
    public static final int ENTRY = 42;
    /** Kind name authenticated with a pack header. */
    public static final String HEADER_KIND = "pack header";
    private byte[] buf;
    private int size;
    private final List<PackedBlob> blobs = new ArrayList<>();

    /** @param buffer where the pack is built; grown when a blob does not fit (then {@link Pack#buffer()} is another) */
    public Packer(final byte[] buffer) {
        this.buf = buffer;
    }

    /**
     * @param type the blob's type
     * @param id its id
     * @param compressed whether the sealed bytes hold zstd data
     * @param rawLength its plaintext length
     * @param sealed nonce, ciphertext and tag
     */
    public void add(final BlobType type, final BlobId id, final boolean compressed, final int rawLength,
                    final byte[] sealed) {
        ensure(size + sealed.length);
        System.arraycopy(sealed, 0, buf, size, sealed.length);
        blobs.add(new PackedBlob(type, id, compressed, size, sealed.length, rawLength));
        size += sealed.length;
    }

    private void ensure(final int needed) {
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length + (buf.length >> 1)));
        }
    }

    /** @return bytes of blob data so far */
    public int size() {
        return size;
    }

    /** @return the number of blobs so far */
    public int count() {
        return blobs.size();
    }

    /**
     * Appends the header and its length.
     *
     * @param envelope seals the header
     * @return the finished pack
     */
    public Pack finish(final Envelope envelope) {
        final ByteBuffer header = ByteBuffer.allocate(blobs.size() * ENTRY).order(ByteOrder.LITTLE_ENDIAN);
        final byte[] id = new byte[BlobId.LENGTH];
        for (final PackedBlob b : blobs) {
            header.put(b.type().code()).put((byte) (b.compressed() ? 1 : 0)).putInt(b.rawLength())
                    .putInt(b.storedLength());
            b.id().copyTo(id, 0);
            header.put(id);
        }
        final byte[] sealed = envelope.seal(HEADER_KIND, header.array(), false);
        ensure(size + sealed.length + 4);
        System.arraycopy(sealed, 0, buf, size, sealed.length);
        int end = size + sealed.length;
        ByteBuffer.wrap(buf, end, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(sealed.length);
        end += 4;
        final byte[] file = buf;
        buf = null;
        return new Pack(HexFormat.of().formatHex(BlobHasher.sha256(file, end)), file, end, List.copyOf(blobs));
    }

    /**
     * A finished pack.
     *
     * @param name its file id
     * @param buffer the whole file, from its first byte, then unused bytes (the buffer can be reused once written)
     * @param length the file's length
     * @param blobs what it holds
     */
    public record Pack(String name, byte[] buffer, int length, List<PackedBlob> blobs) {
    }
}
