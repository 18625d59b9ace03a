package dev.vigil.backup.pack;

import java.util.Arrays;
import java.util.HexFormat;

/** A blob's 32-byte id (a keyed hash of its plaintext). Immutable; ordered by its bytes. */
public final class BlobId implements Comparable<BlobId> {
    /** Length in bytes. */
    public static final int LENGTH = 32;
    private static final HexFormat HEX = HexFormat.of();
    private final byte[] bytes;
    private final int hash;

    private BlobId(final byte[] bytes) {
        this.bytes = bytes;
        this.hash = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    /**
     * @param bytes 32 bytes, not copied: the caller gives them up
     * @return the id
     */
    public static BlobId wrap(final byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("blob id must be " + LENGTH + " bytes, was " + bytes.length);
        }
        return new BlobId(bytes);
    }

    /**
     * @param src bytes holding an id
     * @param offset where it starts
     * @return the id (a copy)
     */
    public static BlobId read(final byte[] src, final int offset) {
        return new BlobId(Arrays.copyOfRange(src, offset, offset + LENGTH));
    }

    /**
     * @param hex 64 hex digits
     * @return the id
     */
    public static BlobId parse(final String hex) {
        if (hex.length() != LENGTH * 2) {
            throw new IllegalArgumentException("blob id must be 64 hex digits, was '" + hex + "'");
        }
        return new BlobId(HEX.parseHex(hex));
    }

    /** @return a copy of the bytes */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /**
     * @param dst where to copy the bytes
     * @param offset first byte in dst
     */
    public void copyTo(final byte[] dst, final int offset) {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    /**
     * @param i 0..3
     * @return the i-th 8 bytes, big-endian, for compact tables
     */
    public long word(final int i) {
        long v = 0;
        for (int k = i * 8; k < i * 8 + 8; k++) {
            v = v << 8 | (bytes[k] & 0xff);
        }
        return v;
    }

    /** @return the id in hex */
    public String hex() {
        return HEX.formatHex(bytes);
    }

    /** @return the first 8 hex digits */
    public String shortHex() {
        return HEX.formatHex(bytes, 0, 4);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof BlobId other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(final BlobId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return shortHex();
    }
}
