package dev.vigil.analyzer.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads what {@link BinaryWriter} wrote. Throws {@link IllegalArgumentException} on truncated input. */
public final class BinaryReader {
    private final byte[] buf;
    private int pos;

    /** @param bytes the encoded bytes */
    public BinaryReader(final byte[] bytes) {
        this.buf = bytes;
    }

    private void need(final int n) {
        if (n < 0 || pos + n > buf.length) {
            throw new IllegalArgumentException("truncated state: need " + n + " bytes at " + pos + " of "
                    + buf.length);
        }
    }

    /** @return one byte, 0..255 */
    public int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    /** @return a zig-zag varint */
    public long readLong() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            final int b = readByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (v >>> 1) ^ -(v & 1);
            }
        }
        throw new IllegalArgumentException("malformed varint at " + pos);
    }

    /** @return a varint that must fit an int */
    public int readInt() {
        final long v = readLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("int out of range: " + v);
        }
        return (int) v;
    }

    /** @return 8 bytes, little-endian */
    public long readFixed64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) (buf[pos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    /** @return a double */
    public double readDouble() {
        return Double.longBitsToDouble(readFixed64());
    }

    /** @return a flag */
    public boolean readBoolean() {
        return readByte() != 0;
    }

    /** @return a string, or null */
    public String readString() {
        final byte[] bytes = readBytes();
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** @return bytes, or null */
    public byte[] readBytes() {
        final int n = readInt();
        if (n < 0) {
            return null;
        }
        need(n);
        final byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    /** @return whether bytes remain */
    public boolean hasRemaining() {
        return pos < buf.length;
    }
}
